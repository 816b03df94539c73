import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionNameFor } from '../../lambdas/core/workflow/execution-name.js';
import { DataDirectoryInUse } from '../../local/runtime/index.js';
import { type Studio, startStudio } from '../../local/studio/studio.js';
import { cliArguments } from '../support/cli.js';
import { waitFor } from '../support/wait-for.js';

const run = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

const twoScenes = fileURLToPath(new URL('./fixtures/two-scenes.yaml', import.meta.url));
/** Any credentials work: the studio is reached as AWS is, with a client's own settings. */
const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'not-a-real-secret' };
const PROVIDER_KEY = 'sk-studio-test-provider-key-0123456789';

let studio: Studio;
let workDir: string;
let s3: S3Client;
let sfn: SFNClient;
/** The request headers each S3 PutObject went out with, after the SDK's checksum and signing steps. */
const sentHeaders: Record<string, string>[] = [];
/** What the studio's trigger decided for each upload, in order. */
const triggered: { key: string; decision: unknown }[] = [];

async function executionNamed(name: string) {
  const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: studio.stateMachineArn }));
  return executions?.find((execution) => execution.name === name);
}

async function ended(name: string) {
  return waitFor(
    `${name} to end`,
    async () => {
      const execution = await executionNamed(name);
      return execution && execution.status !== 'RUNNING' ? execution : undefined;
    },
    { timeoutMs: 180_000, intervalMs: 250 },
  );
}

let twoScenesProduced: Promise<string> | undefined;

/**
 * The two-scene production made from manifests/two-scenes.yaml, by whichever test needs it first, so
 * every test that reads a finished production also runs alone or in any order. Its execution's name.
 */
function producedTwoScenes(): Promise<string> {
  twoScenesProduced ??= (async () => {
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: studio.bucket,
        Key: 'manifests/two-scenes.yaml',
        Body: await readFile(twoScenes),
      }),
    );
    const name = executionNameFor('manifests/two-scenes.yaml', put.ETag!);
    await ended(name);
    return name;
  })();
  return twoScenesProduced;
}

async function objectBytes(key: string): Promise<Buffer | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: studio.bucket, Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** A raw request, path as written: no client normalizes `..` away. */
function rawRequest(options: {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}): Promise<{ status: number; body: string }> {
  const { port } = new URL(studio.endpoint);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-studio-'));
  studio = await startStudio({
    dataDir: path.join(workDir, 'data'),
    port: 0,
    retryDelayMs: 5,
    environment: { DRAMAFORGE_OPENAI_API_KEY: PROVIDER_KEY },
    onManifestTriggered: (upload, decision) => triggered.push({ key: upload.key, decision }),
  });
  s3 = new S3Client({ endpoint: studio.endpoint, region: 'us-east-1', credentials, forcePathStyle: true });
  s3.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { method?: string; headers?: Record<string, string> };
      if (request.method === 'PUT') sentHeaders.push({ ...request.headers });
      return next(args);
    },
    { step: 'deserialize', name: 'recordSentHeaders' },
  );
  sfn = new SFNClient({ endpoint: studio.endpoint, region: 'us-east-1', credentials });
});

afterAll(async () => {
  await studio?.stop();
  await rm(workDir, { recursive: true, force: true });
});

describe('dramaforge studio: one endpoint that AWS clients drive', () => {
  it('starts a production from a Buffer upload, stores its bytes, and delivers under productions/<id>/', async () => {
    // Prepare
    const bytes = await readFile(twoScenes);

    // Act
    const put = await s3.send(
      new PutObjectCommand({ Bucket: studio.bucket, Key: 'manifests/two-scenes.yaml', Body: bytes }),
    );
    const name = executionNameFor('manifests/two-scenes.yaml', put.ETag!);
    const execution = await ended(name);

    // Assess
    expect(await objectBytes('manifests/two-scenes.yaml')).toEqual(bytes);
    expect(execution.status).toBe('SUCCEEDED');
    const delivered = await s3.send(
      new ListObjectsV2Command({ Bucket: studio.bucket, Prefix: 'productions/two-scene-check/episodes/' }),
    );
    expect(delivered.Contents?.map((object) => object.Key)).toEqual(
      expect.arrayContaining(
        ['ep01.mp4', 'ep01.srt', 'ep01.vtt'].map((file) => `productions/two-scene-check/episodes/${file}`),
      ),
    );
    const report = JSON.parse((await objectBytes('productions/two-scene-check/report.json'))!.toString('utf8')) as {
      status: string;
    };
    expect(report.status).toBe('COMPLETE');
  });

  it('makes `produce` on its data directory a client: the studio runs the manifest and produce downloads the deliverables', async () => {
    // Prepare
    const manifest = path.join(workDir, 'two-scene-client.yaml');
    await writeFile(
      manifest,
      (await readFile(twoScenes, 'utf8')).replace('production: two-scene-check', 'production: two-scene-client'),
    );
    const outDir = path.join(workDir, 'out');

    // Act
    const { stdout, stderr } = await run(
      process.execPath,
      cliArguments('produce', manifest, '--data', path.join(workDir, 'data'), '--out', outDir),
      {
        cwd: repositoryRoot,
        timeout: 240_000,
      },
    );

    // Assess
    expect(stderr).toContain(`producing through it at ${studio.endpoint}`);
    expect(stdout).toContain(`COMPLETE: ${path.join(outDir, 'two-scene-client')}`);
    expect(await readdir(path.join(outDir, 'two-scene-client'))).toEqual(
      expect.arrayContaining(['ep01.mp4', 'ep01.srt', 'ep01.vtt', 'report.json', 'storyboard.png']),
    );
    const report = JSON.parse(await readFile(path.join(outDir, 'two-scene-client', 'report.json'), 'utf8')) as {
      executions: { kind: string; status: string }[];
    };
    expect(report.executions.map((execution) => [execution.kind, execution.status])).toEqual([
      ['production', 'SUCCEEDED'],
      ['episode', 'SUCCEEDED'],
    ]);
    const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: studio.stateMachineArn }));
    expect(
      executions!.some(
        (execution) => execution.name!.startsWith('two-scene-client-') && execution.status === 'SUCCEEDED',
      ),
    ).toBe(true);
  });

  it('makes `produce` of a manifest with a review gate stop cleanly at the gate through the studio, as it does in-process, with the execution RUNNING', async () => {
    // Prepare
    const manifest = path.join(workDir, 'two-scene-client-review.yaml');
    const text = (await readFile(twoScenes, 'utf8'))
      .replace('production: two-scene-check', 'production: two-scene-client-review')
      .replace('budgetUsd: 1\n', 'budgetUsd: 1\nreview: { before: video }\n');
    await writeFile(manifest, text);
    const outDir = path.join(workDir, 'out-review');

    // Act
    const { stderr } = await run(
      process.execPath,
      cliArguments('produce', manifest, '--data', path.join(workDir, 'data'), '--out', outDir),
      {
        cwd: repositoryRoot,
        timeout: 240_000,
      },
    );
    const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: studio.stateMachineArn }));
    const waiting = executions!.find((execution) => execution.name!.startsWith('two-scene-client-review-'))!;
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: waiting.executionArn }));
    await sfn.send(
      new StopExecutionCommand({
        executionArn: waiting.executionArn,
        error: 'TestStop',
        cause: 'the test has what it needs',
      }),
    );

    // Assess
    expect(stderr).toContain(`producing through it at ${studio.endpoint}`);
    const report = JSON.parse(await readFile(path.join(outDir, 'two-scene-client-review', 'report.json'), 'utf8')) as {
      status: string;
    };
    expect(report.status).toBe('AWAITING_APPROVAL');
    expect([waiting.status, described.status]).toEqual(['RUNNING', 'RUNNING']);
  });

  it('decodes a streamed upload sent aws-chunked with a trailing checksum, and its production starts', async () => {
    // Prepare
    const text = (await readFile(twoScenes, 'utf8')).replace(
      'production: two-scene-check',
      'production: two-scene-stream',
    );
    const file = path.join(workDir, 'two-scene-stream.yaml');
    await writeFile(file, text);
    sentHeaders.length = 0;

    // Act
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: studio.bucket,
        Key: 'manifests/two-scene-stream.yaml',
        Body: createReadStream(file),
        ContentLength: Buffer.byteLength(text),
      }),
    );
    const name = executionNameFor('manifests/two-scene-stream.yaml', put.ETag!);
    const started = await waitFor('the streamed manifest to start', () => executionNamed(name));
    await sfn.send(
      new StopExecutionCommand({
        executionArn: started.executionArn,
        error: 'TestStop',
        cause: 'the test has what it needs',
      }),
    );
    const stopped = await ended(name);

    // Assess
    expect(sentHeaders[0]?.['x-amz-content-sha256']).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    expect(sentHeaders[0]?.['content-encoding']).toContain('aws-chunked');
    expect((await objectBytes('manifests/two-scene-stream.yaml'))?.toString('utf8')).toBe(text);
    expect(stopped.status).toBe('ABORTED');
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect([described.status, described.error, described.cause]).toEqual([
      'ABORTED',
      'TestStop',
      'the test has what it needs',
    ]);
  });

  it('treats the same bytes uploaded again as a no-op', async () => {
    // Prepare
    const bytes = await readFile(twoScenes);
    const name = executionNameFor(
      'manifests/two-scenes.yaml',
      (await s3.send(new PutObjectCommand({ Bucket: studio.bucket, Key: 'manifests/two-scenes.yaml', Body: bytes })))
        .ETag!,
    );
    await ended(name);
    const before = await sfn.send(
      new DescribeExecutionCommand({ executionArn: (await executionNamed(name))!.executionArn }),
    );

    // Act
    const decisionsBefore = triggered.length;
    await s3.send(new PutObjectCommand({ Bucket: studio.bucket, Key: 'manifests/two-scenes.yaml', Body: bytes }));
    const decision = await waitFor('the trigger to decide on the same bytes uploaded again', () =>
      triggered.slice(decisionsBefore).find((entry) => entry.key === 'manifests/two-scenes.yaml'),
    );
    const after = await sfn.send(new DescribeExecutionCommand({ executionArn: before.executionArn }));
    const again = await sfn
      .send(
        new StartExecutionCommand({
          stateMachineArn: studio.stateMachineArn,
          name,
          input: JSON.stringify({ bucket: studio.bucket, key: 'manifests/two-scenes.yaml' }),
        }),
      )
      .catch((error: Error) => error.name);

    // Assess
    expect(decision.decision).toEqual({ outcome: 'already-started', executionName: name });
    expect(after.startDate).toEqual(before.startDate);
    expect(after.status).toBe('SUCCEEDED');
    expect(again).toBe('ExecutionAlreadyExists');
  });

  it('answers a rejected manifest and one over 1 MiB with <manifest>.errors.json', async () => {
    // Prepare
    const invalid = Buffer.from('version: 1\nproduction: "Not An Id"\n');
    const oversized = Buffer.concat([await readFile(twoScenes), Buffer.from(`\n# ${'x'.repeat(1024 * 1024)}\n`)]);

    // Act
    await s3.send(new PutObjectCommand({ Bucket: studio.bucket, Key: 'manifests/invalid.yaml', Body: invalid }));
    await s3.send(new PutObjectCommand({ Bucket: studio.bucket, Key: 'manifests/oversized.yaml', Body: oversized }));
    const invalidErrors = await waitFor('invalid.yaml.errors.json', () =>
      objectBytes('manifests/invalid.yaml.errors.json'),
    );
    const oversizedErrors = await waitFor('oversized.yaml.errors.json', () =>
      objectBytes('manifests/oversized.yaml.errors.json'),
    );

    // Assess
    const problems = (json: Buffer) =>
      (JSON.parse(json.toString('utf8')) as { problems: { path: string; reason: string }[] }).problems;
    expect(problems(invalidErrors).length).toBeGreaterThan(0);
    expect(problems(oversizedErrors)).toEqual([
      expect.objectContaining({ path: '(file)', reason: expect.stringContaining('1 MiB') }),
    ]);
  });

  it('serves the Step Functions subset: state machines, executions, and the history paged both ways', async () => {
    // Prepare
    const executionArn = (await executionNamed(await producedTwoScenes()))!.executionArn!;

    // Act
    const machines = await sfn.send(new ListStateMachinesCommand({}));
    const production = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: studio.stateMachineArn }));
    const whole = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const paged: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn, maxResults: 7, reverseOrder: true, nextToken }),
      );
      paged.push(...page.events!);
      nextToken = page.nextToken;
    } while (nextToken);
    const episodes = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: machines.stateMachines!.find((machine) => machine.name === 'dramaforge-episode')!
          .stateMachineArn,
      }),
    );

    // Assess
    expect(machines.stateMachines!.map((machine) => machine.name).sort()).toEqual([
      'dramaforge-episode',
      'dramaforge-production',
    ]);
    expect(Object.keys((JSON.parse(production.definition!) as { States: object }).States)).toContain(
      'Produce episodes',
    );
    const events = whole.events!;
    expect(events[0]!.type).toBe('ExecutionStarted');
    expect(events.at(-1)!.type).toBe('ExecutionSucceeded');
    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
    expect(
      events.filter((event) => event.type === 'TaskStateEntered').map((event) => event.stateEnteredEventDetails!.name),
    ).toContain('Validate manifest');
    expect(paged.map((event) => event.id)).toEqual([...events].reverse().map((event) => event.id));
    expect(
      episodes.executions!.some(
        (execution) => execution.name!.startsWith(executionArn.split(':').at(-1)!) && execution.status === 'SUCCEEDED',
      ),
    ).toBe(true);
  });

  it("rerenders a scene from the console's action, as a new execution of the production's manifest", async () => {
    // Prepare
    await producedTwoScenes();
    const scenePath = '/api/productions/two-scene-check/scenes/ep01/s02';
    const before = JSON.parse((await rawRequest({ path: scenePath })).body) as { keyframeAttempts: { seed: number }[] };

    // Act
    const answer = await rawRequest({
      method: 'POST',
      path: `${scenePath}/rerender`,
      headers: { 'x-dramaforge-token': studio.token },
    });
    const { name } = JSON.parse(answer.body) as { name: string };
    const execution = await ended(name);
    const after = JSON.parse((await rawRequest({ path: scenePath })).body) as {
      keyframeAttempts: { seed: number }[];
      status: string;
    };
    const unknown = await rawRequest({
      method: 'POST',
      path: '/api/productions/two-scene-check/scenes/ep01/s99/rerender',
      headers: { 'x-dramaforge-token': studio.token },
    });

    // Assess
    expect(answer.status).toBe(200);
    expect(name).toMatch(/-rerender-ep01-s02-1$/);
    expect(execution.status).toBe('SUCCEEDED');
    expect(after.status).toBe('COMPLETE');
    expect(after.keyframeAttempts[0]!.seed).not.toBe(before.keyframeAttempts[0]!.seed);
    expect(unknown.status).toBe(404);
  });

  it("stops a running production from the console's action, with the token", async () => {
    // Prepare
    const text = (await readFile(twoScenes, 'utf8')).replace(
      'production: two-scene-check',
      'production: two-scene-stop',
    );
    const put = await s3.send(
      new PutObjectCommand({ Bucket: studio.bucket, Key: 'manifests/two-scene-stop.yaml', Body: text }),
    );
    const name = executionNameFor('manifests/two-scene-stop.yaml', put.ETag!);
    await waitFor('the production to start', () => executionNamed(name));

    // Act
    const withoutToken = await rawRequest({ method: 'POST', path: `/api/executions/${name}/stop` });
    const answer = await rawRequest({
      method: 'POST',
      path: `/api/executions/${name}/stop`,
      headers: { 'x-dramaforge-token': studio.token },
    });
    const execution = await ended(name);

    // Assess
    expect(withoutToken.status).toBe(403);
    expect([answer.status, JSON.parse(answer.body)]).toEqual([200, { name, status: 'ABORTED' }]);
    expect(execution.status).toBe('ABORTED');
  });

  it('approves a production waiting at its review gate from the console, with the token and notes that reach the report', async () => {
    // Prepare
    const text = (await readFile(twoScenes, 'utf8'))
      .replace('production: two-scene-check', 'production: two-scene-review')
      .replace('budgetUsd: 1\n', 'budgetUsd: 1\nreview: { before: delivery }\n');
    const put = await s3.send(
      new PutObjectCommand({ Bucket: studio.bucket, Key: 'manifests/two-scene-review.yaml', Body: text }),
    );
    const name = executionNameFor('manifests/two-scene-review.yaml', put.ETag!);
    const waiting = await waitFor('the review gate', async () => {
      const answer = await rawRequest({ path: '/api/productions/two-scene-review' });
      const production =
        answer.status === 200
          ? (JSON.parse(answer.body) as { status: string; review?: Record<string, unknown> })
          : undefined;
      return production?.status === 'AWAITING_APPROVAL' ? production : undefined;
    });

    const decide = (action: 'approve' | 'reject', body?: string) =>
      rawRequest({
        method: 'POST',
        path: `/api/productions/two-scene-review/${action}`,
        headers: { 'x-dramaforge-token': studio.token, 'content-type': 'application/json' },
        body,
      });

    // Act
    const withoutToken = await rawRequest({ method: 'POST', path: '/api/productions/two-scene-review/approve' });
    const refused = await Promise.all([
      decide('approve', 'notes: fine'),
      decide('approve', JSON.stringify({ notes: 'fine', decision: 'REJECTED' })),
      decide('approve', JSON.stringify({ notes: 42 })),
      decide('approve', JSON.stringify({ notes: 'x'.repeat(2001) })),
      decide('reject'),
      decide('reject', JSON.stringify({ notes: ' \n ' })),
    ]);
    const stillWaiting = JSON.parse((await rawRequest({ path: '/api/productions/two-scene-review' })).body) as {
      status: string;
    };
    const approved = await decide('approve', JSON.stringify({ notes: '  Ship it; the harbour reads well.  ' }));
    const execution = await ended(name);
    const report = JSON.parse((await objectBytes('productions/two-scene-review/report.json'))!.toString('utf8')) as {
      status: string;
      review?: { decision?: string; notes?: string };
    };
    const decided = JSON.parse((await rawRequest({ path: '/api/productions/two-scene-review' })).body) as {
      review?: Record<string, unknown>;
    };

    // Assess
    expect(waiting.review).toMatchObject({ before: 'delivery' });
    expect(waiting.review).not.toHaveProperty('taskToken');
    expect(withoutToken.status).toBe(403);
    expect(refused.map(({ status, body }) => [status, (JSON.parse(body) as { message: string }).message])).toEqual([
      [400, 'the body is not JSON'],
      [400, '(body): Unrecognized key: "decision"'],
      [400, 'notes: Invalid input: expected string, received number'],
      [400, 'notes: notes are at most 2000 characters'],
      [400, 'a rejection needs notes: say why, for the report'],
      [400, 'a rejection needs notes: say why, for the report'],
    ]);
    expect(stillWaiting.status).toBe('AWAITING_APPROVAL');
    expect(approved.status).toBe(200);
    expect(execution.status).toBe('SUCCEEDED');
    expect(report.status).toBe('COMPLETE');
    expect(report.review).toMatchObject({ decision: 'APPROVED', notes: 'Ship it; the harbour reads well.' });
    expect(decided.review).toMatchObject({ decision: 'APPROVED', notes: 'Ship it; the harbour reads well.' });
    expect(decided.review).not.toHaveProperty('taskToken');
  });

  it('answers SendTask{Success,Failure,Heartbeat} for a token no task waits on as Step Functions does', async () => {
    // Act
    const outcomes = await Promise.all(
      [
        new SendTaskSuccessCommand({ taskToken: 'no-such-token', output: '{}' }),
        new SendTaskFailureCommand({ taskToken: 'no-such-token', error: 'E' }),
        new SendTaskHeartbeatCommand({ taskToken: 'no-such-token' }),
      ].map((command) =>
        sfn.send(command as never).then(
          () => 'answered',
          (error: Error) => error.name,
        ),
      ),
    );

    // Assess
    expect(outcomes).toEqual(['TaskDoesNotExist', 'TaskDoesNotExist', 'TaskDoesNotExist']);
  });

  it('routes SQS and DynamoDB by the signing service, and hands out queue URLs on this endpoint', async () => {
    // Act
    const sqs = new SQSClient({ endpoint: studio.endpoint, region: 'us-east-1', credentials });
    // CreateQueue of an existing queue answers its URL, as GetQueueUrl would (the embedded SQS serves what dramaforge calls).
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: studio.runtime.names.videoDeadLetterQueue }),
    );
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'] }),
    );
    const tables = await new DynamoDBClient({ endpoint: studio.endpoint, region: 'us-east-1', credentials }).send(
      new ListTablesCommand({}),
    );

    // Assess
    expect(QueueUrl).toBe(`${studio.endpoint}/000000000000/${studio.runtime.names.videoDeadLetterQueue}`);
    expect(attributes.Attributes).toEqual({
      QueueArn: studio.runtime.queueUrls.deadLetterQueueArn,
      ApproximateNumberOfMessages: '0',
    });
    expect(tables.TableNames).toContain(studio.runtime.names.table);
  });

  it('refuses a second owner of its data directory', async () => {
    // Act
    const second = await startStudio({ dataDir: path.join(workDir, 'data'), port: 0 }).then(
      async (other) => {
        await other.stop();
        return undefined;
      },
      (error: unknown) => error,
    );

    // Assess
    expect(second).toBeInstanceOf(DataDirectoryInUse);
    expect((second as Error).message).toContain(`is in use by dramaforge studio (pid ${process.pid})`);
  });
});

describe('dramaforge studio: security', () => {
  it('listens on 127.0.0.1 only', () => {
    // Assess
    expect(new URL(studio.endpoint).hostname).toBe('127.0.0.1');
    expect(new URL(studio.consoleUrl).hostname).toBe('127.0.0.1');
  });

  it('refuses a mutating console request without the token, a cross-site form post, and a foreign Host', async () => {
    // Act
    const withoutToken = await rawRequest({ method: 'POST', path: '/api/redrive' });
    const wrongToken = await rawRequest({
      method: 'POST',
      path: '/api/redrive',
      headers: { 'x-dramaforge-token': 'guess' },
    });
    const crossSiteForm = await rawRequest({
      method: 'POST',
      path: '/api/redrive',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    const crossSiteUpload = await rawRequest({
      method: 'POST',
      path: `/${studio.bucket}`,
      headers: { origin: 'https://evil.example', 'content-type': 'multipart/form-data; boundary=x' },
      body: '--x--',
    });
    const rebound = await rawRequest({ path: '/api/productions', headers: { host: 'evil.example' } });
    const withToken = await rawRequest({
      method: 'POST',
      path: '/api/redrive',
      headers: { 'x-dramaforge-token': studio.token },
    });

    // Assess
    expect([
      withoutToken.status,
      wrongToken.status,
      crossSiteForm.status,
      crossSiteUpload.status,
      rebound.status,
    ]).toEqual([403, 403, 403, 403, 403]);
    expect(withToken.status).toBe(200);
    expect(JSON.parse(withToken.body)).toEqual({ moved: 0 });
  });

  it('never reaches the filesystem from a request path', async () => {
    // Prepare
    await producedTwoScenes();

    // Act
    const statuses = await Promise.all(
      [
        '/console/../package.json',
        '/console/%2e%2e/package.json',
        '/console/fonts/../../../package.json',
        '/console/fonts/%2e%2e%2f%2e%2e%2fpackage.json',
        '/api/asset?key=productions/../manifests/two-scenes.yaml',
        '/api/asset?key=productions/two-scene-check/../../manifests/two-scenes.yaml',
        '/api/asset?key=manifests/two-scenes.yaml',
        '/api/asset?key=/etc/passwd',
        '/api/executions/..%2f..%2fowner',
        '/etc/passwd',
      ].map(async (requestPath) => [requestPath, (await rawRequest({ path: requestPath })).status]),
    );
    const allowed = await rawRequest({ path: '/api/asset?key=productions/two-scene-check/report.json' });

    // Assess
    expect(statuses).toEqual(statuses.map(([requestPath]) => [requestPath, 404]));
    expect(allowed.status).toBe(200);
  });

  it('puts no provider key in any page or API answer', async () => {
    // Prepare
    const name = await producedTwoScenes();

    // Act
    const pages = await Promise.all(
      [
        '/console/',
        '/console/app.js',
        '/api/productions',
        '/api/productions/two-scene-check',
        '/api/productions/two-scene-check/scenes/ep01/s01',
        `/api/executions/${name}`,
        `/api/executions/${name}/history?maxResults=1000`,
      ].map((requestPath) => rawRequest({ path: requestPath })),
    );
    const described = await sfn.send(
      new DescribeExecutionCommand({ executionArn: (await executionNamed(name))!.executionArn }),
    );

    // Assess
    expect(pages.map((page) => page.status)).toEqual(pages.map(() => 200));
    for (const text of [...pages.map((page) => page.body), JSON.stringify(described)])
      expect(text).not.toContain(PROVIDER_KEY);
  });
});
