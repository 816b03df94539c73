import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ServiceUsage } from '../lambdas/core/pricing/aws-usage-measured.js';
import { produce } from '../local/commands/produce.js';
import { LOCAL_RESOURCE_NAMES } from '../local/runtime/index.js';
import { type StudioManifestShape, studioManifest } from './orchestration/studio-manifest.js';
import { simulationFor, withSimulatedProviders } from './simulated-providers/simulated-providers.js';

/**
 * What a production asks of S3, DynamoDB and CloudWatch Logs beside its Lambda time, and how
 * long each function runs, measured on real local runs: the pipeline's own SDK requests
 * (those sent from lambdas/, not the local client's progress reads, uploads or downloads), the
 * bytes its handlers log at the INFO level the deployed functions use, the bytes it stores, and
 * the time and entries of each Task state. lambdas/core/pricing/aws-usage-measured.ts holds the figures.
 */

export type RequestUsage = Omit<ServiceUsage, 'storedBytes'>;

export interface RequestRun {
  shape: StudioManifestShape;
  usage: RequestUsage;
  /** Each request by service and command, as counted. */
  requests: Record<string, number>;
}

export interface AwsUsageResult {
  /** `os.loadavg()` before and after: how busy the machine was, since the Task times depend on it. */
  loadAverage: { before: number[]; after: number[] };
  runs: RequestRun[];
  perScene: RequestUsage;
  perEpisode: RequestUsage;
  perProduction: RequestUsage;
  /** The real-format run: its bytes stored and its Task states' time and entries. */
  render: {
    manifest: string;
    scenes: number;
    storedBytes: StoredBytes;
    stageMilliseconds: Record<string, number>;
    stageRuns: Record<string, number>;
  };
}

const EMPTY: RequestUsage = {
  s3PutRequests: 0,
  s3GetRequests: 0,
  dynamoDbWriteUnits: 0,
  dynamoDbReadUnits: 0,
  logBytes: 0,
};

const S3_PUT_CLASS = new Set([
  'PutObjectCommand',
  'CopyObjectCommand',
  'ListObjectsV2Command',
  'CreateMultipartUploadCommand',
  'UploadPartCommand',
  'CompleteMultipartUploadCommand',
  'PutObjectTaggingCommand',
]);
const S3_GET_CLASS = new Set(['GetObjectCommand', 'HeadObjectCommand', 'GetObjectTaggingCommand']);
const S3_FREE = new Set(['DeleteObjectCommand', 'DeleteObjectsCommand', 'AbortMultipartUploadCommand']);

/**
 * Request units of one DynamoDB request. Items are taken as under 1 KB written and 4 KB read, and
 * reads as strongly consistent: one unit a request, two an item of a transaction.
 */
function dynamoUnits(command: string, input: Record<string, unknown>): Partial<RequestUsage> | undefined {
  const name = command.replace(/(Item)?Command$/, '');
  if (['Put', 'Update', 'Delete'].includes(name)) return { dynamoDbWriteUnits: 1 };
  if (['Get', 'Query', 'Scan'].includes(name)) return { dynamoDbReadUnits: 1 };
  if (name === 'TransactWrite') return { dynamoDbWriteUnits: 2 * ((input.TransactItems as unknown[]) ?? []).length };
  if (name === 'TransactGet') return { dynamoDbReadUnits: 2 * ((input.TransactItems as unknown[]) ?? []).length };
  if (name === 'BatchWrite')
    return {
      dynamoDbWriteUnits: Object.values((input.RequestItems as Record<string, unknown[]>) ?? {}).flat().length,
    };
  if (name === 'BatchGet')
    return {
      dynamoDbReadUnits: Object.values((input.RequestItems as Record<string, { Keys: unknown[] }>) ?? {}).flatMap(
        (table) => table.Keys,
      ).length,
    };
  return undefined;
}

/** What one request bills; undefined for a request this benchmark does not know how AWS prices. */
function billedUnits(
  service: string,
  command: string,
  input: Record<string, unknown>,
): Partial<RequestUsage> | undefined {
  if (service === 'S3') {
    if (S3_PUT_CLASS.has(command)) return { s3PutRequests: 1 };
    if (S3_GET_CLASS.has(command)) return { s3GetRequests: 1 };
    if (S3_FREE.has(command)) return {};
  }
  if (service === 'DynamoDB') {
    const units = dynamoUnits(command, input);
    if (units) return units;
  }
  // The video queue's requests are counted from the workflow (lambdas/core/pricing/aws-bill.ts): locally its poller's cadence is not Lambda's.
  if (service === 'SQS') return {};
  // A task token answered (SendTaskSuccess, SendTaskFailure): Step Functions bills state transitions, not these.
  if (service === 'SFN') return {};
  return undefined;
}

/** Sent from the pipeline's code: a handler, its stores or its providers, not the local client or runtime. */
const fromThePipeline = (stack: string | undefined) => stack?.includes(`${path.sep}lambdas${path.sep}`) ?? false;

type Send = (this: { config: { serviceId?: string } }, command: object, ...rest: unknown[]) => unknown;

/** Counts every request the pipeline sends through the SDK, and every byte written to stdout and stderr, while `work` runs. */
async function counted<T>(
  work: () => Promise<T>,
): Promise<{ result: T; usage: RequestUsage; requests: Record<string, number> }> {
  const usage = { ...EMPTY };
  const requests: Record<string, number> = {};
  const unpriced = new Set<string>();
  const bases = new Set(
    [S3Client, DynamoDBClient, SQSClient].map((client) => Object.getPrototypeOf(client.prototype) as { send: Send }),
  );
  const sends = [...bases].map((base) => [base, base.send] as const);
  const writes = [process.stdout, process.stderr].map((stream) => [stream, stream.write] as const);
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  for (const [base, send] of sends) {
    base.send = function (command, ...rest) {
      if (fromThePipeline(new Error().stack)) {
        const service = this.config.serviceId ?? 'unknown';
        const name = command.constructor.name;
        requests[`${service} ${name}`] = (requests[`${service} ${name}`] ?? 0) + 1;
        const units = billedUnits(service, name, (command as { input?: Record<string, unknown> }).input ?? {});
        // Thrown from here it would fail the handler; it is reported once the run is over.
        if (units === undefined) unpriced.add(`${service} ${name}`);
        for (const [key, count] of Object.entries(units ?? {})) usage[key as keyof RequestUsage] += count;
      }
      return send.call(this, command, ...rest);
    };
  }
  // The handlers' Powertools loggers write to stdout: what Lambda would ship to CloudWatch Logs.
  for (const [stream] of writes) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      usage.logBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
  }
  try {
    const result = await work();
    if (unpriced.size > 0)
      throw new Error(`the pipeline sent ${[...unpriced].join(', ')}, which the AWS usage benchmark does not price`);
    return { result, usage, requests };
  } finally {
    for (const [base, send] of sends) base.send = send;
    for (const [stream, write] of writes) stream.write = write;
    Error.stackTraceLimit = stackTraceLimit;
  }
}

const INSTANT_PROVIDERS = JSON.stringify({
  timeScale: 0.001,
  latencyMs: { script: 1, image: 1, speech: 1, video: 1 },
  concurrency: { script: 50, image: 20, speech: 20, video: 10 },
});

async function measureRequests(shape: StudioManifestShape): Promise<RequestRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-bench-aws-'));
  try {
    const manifestPath = path.join(dir, 'aws.json');
    await writeFile(
      manifestPath,
      JSON.stringify(studioManifest({ name: `aws-${shape.episodes}x${shape.scenesPerEpisode}`, priority: 5, shape })),
    );
    const simulation = simulationFor(INSTANT_PROVIDERS);
    const { result, usage, requests } = await counted(() =>
      produce({
        manifestPath,
        outDir: path.join(dir, 'out'),
        dataDir: path.join(dir, 'data'),
        decorateProviders: (providers) => withSimulatedProviders(providers, simulation),
        settings: { sceneMaxConcurrency: 8, episodeMaxConcurrency: 2, videoWorkerMaxConcurrency: 10 },
      }),
    );
    if (!result.ok) throw new Error(`the AWS usage run of ${JSON.stringify(shape)} did not complete: ${result.reason}`);
    return { shape, usage, requests };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Bytes stored, by whose they are: an episode's files, a scene's, the content-addressed cache's, and the production's own. */
export interface StoredBytes {
  episodes: number;
  scenes: number;
  cache: number;
  production: number;
}

/** The objects in the local bucket by key prefix: s3rver keeps each object's body in a `._S3rver_object` file. */
async function storedObjectBytes(bucket: string): Promise<StoredBytes> {
  const bytes: StoredBytes = { episodes: 0, scenes: 0, cache: 0, production: 0 };
  for (const entry of await readdir(bucket, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('._S3rver_object')) continue;
    const key = path.relative(bucket, path.join(entry.parentPath, entry.name)).split(path.sep);
    const share =
      key[0] === 'cache'
        ? 'cache'
        : key[0] === 'productions' && (key[2] === 'episodes' || key[2] === 'scenes')
          ? key[2]
          : 'production';
    bytes[share] += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return bytes;
}

const combine = (a: RequestUsage, b: RequestUsage, scale: number): RequestUsage =>
  Object.fromEntries(
    Object.keys(EMPTY).map((key) => [key, a[key as keyof RequestUsage] + scale * b[key as keyof RequestUsage]]),
  ) as RequestUsage;

/**
 * Three runs with providers that answer at once (1 episode of 1 scene, 1 of 5, 2 of 1, two
 * characters each), from which a scene's, an episode's and a production's own requests and log
 * bytes; and one cold, real-format run of `renderManifest` for the bytes stored and each Task's time.
 */
export async function measureAwsUsage(renderManifest: string, scenesInRenderManifest: number): Promise<AwsUsageResult> {
  const loadBefore = os.loadavg();
  const { small, wide, two } = await atInfoLevel(async () => ({
    small: await measureRequests({ episodes: 1, scenesPerEpisode: 1, characters: 2 }),
    wide: await measureRequests({ episodes: 1, scenesPerEpisode: 5, characters: 2 }),
    two: await measureRequests({ episodes: 2, scenesPerEpisode: 1, characters: 2 }),
  }));
  const perScene = combine(combine(EMPTY, wide.usage, 0.25), small.usage, -0.25);
  const perEpisode = combine(combine(two.usage, small.usage, -1), perScene, -1);
  const perProduction = combine(combine(small.usage, perEpisode, -1), perScene, -1);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-bench-aws-render-'));
  try {
    const dataDir = path.join(dir, 'data');
    const render = await produce({ manifestPath: renderManifest, outDir: path.join(dir, 'out'), dataDir });
    if (!render.ok) throw new Error(`the AWS usage render of ${renderManifest} did not complete: ${render.reason}`);
    return {
      loadAverage: { before: loadBefore, after: os.loadavg() },
      runs: [small, wide, two],
      perScene,
      perEpisode,
      perProduction,
      render: {
        manifest: path.basename(renderManifest),
        scenes: scenesInRenderManifest,
        storedBytes: await storedObjectBytes(path.join(dataDir, 's3', LOCAL_RESOURCE_NAMES.bucket)),
        stageMilliseconds: render.stageMilliseconds,
        stageRuns: render.stageRuns,
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The deployed functions log at INFO (lib/config/environments.ts); the local runtime hands its handlers this process's level. */
async function atInfoLevel<T>(work: () => Promise<T>): Promise<T> {
  const previous = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  try {
    return await work();
  } finally {
    if (previous === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = previous;
  }
}
