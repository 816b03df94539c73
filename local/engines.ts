import { mkdir } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import S3rver from 's3rver';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda-context.js';
import { SqsEngine } from './sqs-engine.js';
import { TaskTokenService } from './task-token-service.js';

const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: { path?: string; createTableMs?: number }) => http.Server;

/** s3rver accepts header-signed requests only with this key pair. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface S3Event {
  Records: { eventName: string; s3: { bucket: { name: string }; object: { key: string; eTag: string; size: number } } }[];
}

export interface LocalEngines {
  endpoints: { s3: string; dynamodb: string; sqs: string; sfn: string };
  s3: S3rver;
  taskTokens: TaskTokenService;
  /** The variables that point the SDK clients (and so the handlers) at these engines. */
  environment: Record<string, string>;
  stop(): Promise<void>;
}

function listenOnLoopback(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * dynalite alone over the data directory's table, for a command that only reads it. LevelDB
 * lets one process open it at a time: never while a run in that directory is going.
 */
export async function startTableEngine(dataDir: string): Promise<{ endpoint: string; stop(): Promise<void> }> {
  await mkdir(path.join(dataDir, 'dynamodb'), { recursive: true });
  const server = dynalite({ path: path.join(dataDir, 'dynamodb'), createTableMs: 0 });
  const port = await listenOnLoopback(server);
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => closeServer(server) };
}

/**
 * dynalite, s3rver, the embedded SQS and the task-token service, in this process, on
 * 127.0.0.1, with their data under `dataDir` so a second run finds the first's table,
 * bucket and queued messages: a message delayed, in flight or waiting when the process
 * dies is delivered by the next start, as SQS would deliver it.
 */
export async function startEngines(dataDir: string, buckets: string[]): Promise<LocalEngines> {
  await mkdir(path.join(dataDir, 's3'), { recursive: true });
  const table = await startTableEngine(dataDir);

  const s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory: path.join(dataDir, 's3'),
    silent: true,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const s3Address = (await s3.run()) as AddressInfo;

  const sqs = SqsEngine.open(path.join(dataDir, 'sqs'), { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT });
  const sqsEndpoint = await sqs.listen();

  const taskTokens = new TaskTokenService();
  const sfn = await taskTokens.listen();

  const endpoints = {
    s3: `http://127.0.0.1:${s3Address.port}`,
    dynamodb: table.endpoint,
    sqs: sqsEndpoint,
    sfn,
  };
  return {
    endpoints,
    s3,
    taskTokens,
    environment: {
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_S3: endpoints.s3,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
      AWS_ENDPOINT_URL_SFN: endpoints.sfn,
      DRAMAFORGE_S3_FORCE_PATH_STYLE: 'true',
    },
    async stop() {
      await taskTokens.close();
      await sqs.close();
      await s3.close();
      await table.stop();
    },
  };
}
