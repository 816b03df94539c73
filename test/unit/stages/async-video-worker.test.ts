import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { AsyncVideoModel, ClipJobStatus } from '../../../lambdas/core/ports.js';
import { ProviderRejected, ProviderUnavailable } from '../../../lambdas/core/errors.js';
import { validateManifest } from '../../../lambdas/core/manifest/parse.js';
import { processVideoJob } from '../../../lambdas/stages/video-worker/video-worker.js';
import { mockedStageDeps } from '../../support/mocked-stage-deps.js';

const manifest = validateManifest({
  version: 1,
  production: 'async-series',
  title: 'Async',
  language: 'en-US',
  budgetUsd: 5,
  format: { aspectRatio: '9:16', width: 180, height: 320, fps: 10 },
  characters: [{ id: 'ana', name: 'Ana', description: 'red hair' }],
  episodes: [{ id: 'ep01', title: 'One', scenes: [{ id: 's01', location: 'Harbour', characters: ['ana'], outline: 'Ana waits.' }] }],
});
const scene = 'productions/async-series/scenes/ep01/s01';
const job = { productionId: 'async-series', episodeId: 'ep01', sceneId: 's01', taskToken: 'token-9' };
const QUEUE = 'http://queue/video';

const record = (body: unknown, receives = 1) => ({ messageId: 'm', body: JSON.stringify(body), attributes: { ApproximateReceiveCount: String(receives) } }) as unknown as SQSRecord;

/** A worker over an async provider answering `polls` in turn, with a ledger kept in memory; the test's own mocks. */
function setup(polls: (() => Promise<ClipJobStatus>)[]) {
  const started: string[] = [];
  const port: AsyncVideoModel = {
    pollIntervalSeconds: 30,
    maxPolls: 3,
    startClip: async (_request, options) => {
      started.push(options?.idempotencyKey ?? '');
      return { jobId: 'job-1' };
    },
    pollClip: async () => polls.shift()!(),
  };
  const mocks = mockedStageDeps({
    objects: new Map([
      ['productions/async-series/manifest.json', Buffer.from(JSON.stringify(manifest))],
      [`${scene}/keyframe.png`, Buffer.from('png-bytes')],
      [`${scene}/voice-cues.json`, Buffer.from(JSON.stringify({ durationSeconds: 5, cues: [] }))],
    ]),
    providers: { video: { port, provider: 'openai-compatible', model: 'sora-2' } },
  });
  mocks.deps.settings.videoQueueUrl = QUEUE;
  const sqsMock = mockClient(mocks.deps.clients.sqs);
  onTestFinished(() => {
    sqsMock.reset();
    mocks.dynamoMock.reset();
    mocks.sfnMock.reset();
    mocks.s3Mock.reset();
  });
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'n' });
  const costRows = new Map<string, Record<string, unknown>>();
  mocks.dynamoMock.on(GetCommand).callsFake((input: { Key: { SK: string } }) => ({ Item: costRows.get(input.Key.SK) }));
  mocks.dynamoMock.on(PutCommand).callsFake((input: { Item: { SK: string } }) => {
    costRows.set(input.Item.SK, input.Item);
    return {};
  });
  mocks.dynamoMock.on(UpdateCommand).callsFake((input: { Key: { SK: string }; ExpressionAttributeValues?: Record<string, unknown> }) => {
    const row = costRows.get(input.Key.SK);
    const values = input.ExpressionAttributeValues ?? {};
    if (row && values[':released']) row.status = 'RELEASED';
    if (row && values[':settled']) Object.assign(row, { status: 'SETTLED', usd: values[':usd'] });
    return { Attributes: {} };
  });
  return { mocks, sqsMock, started, costRows };
}

function sentBody(sqsMock: ReturnType<typeof mockClient>, index: number) {
  const input = sqsMock.commandCalls(SendMessageCommand)[index]!.args[0].input as { MessageBody: string; DelaySeconds: number; QueueUrl: string };
  return { ...input, body: JSON.parse(input.MessageBody) };
}

/** Delivers the job, then each message the previous delivery re-sent: `count` deliveries in all. */
async function deliver({ mocks, sqsMock }: ReturnType<typeof setup>, count: number) {
  for (let index = 0; index < count; index++) {
    await processVideoJob(record(index === 0 ? job : sentBody(sqsMock, index - 1).body), mocks.deps);
  }
}

const running = async (): Promise<ClipJobStatus> => ({ state: 'running' });
const succeeded = async (): Promise<ClipJobStatus> => ({
  state: 'succeeded',
  clip: { result: { mp4: Buffer.from('mp4') }, usage: { videoSeconds: 8 }, provider: 'openai-compatible', model: 'sora-2' },
});
const unavailable = async (): Promise<ClipJobStatus> => {
  throw new ProviderUnavailable('gateway 502');
};
const rejected = async (): Promise<ClipJobStatus> => {
  throw new ProviderRejected('job failed: internal error');
};

describe('video worker with an async provider', () => {
  it('starts the job with the idempotency key, holds its cost, and re-sends the message with a delay to poll, without reporting', async () => {
    // Prepare
    const { mocks, sqsMock, started, costRows } = setup([running, succeeded]);

    // Act
    await processVideoJob(record(job), mocks.deps);

    // Assess
    expect(started).toHaveLength(1);
    expect(started[0]).toMatch(/^video#[0-9a-f]{64}$/);
    expect([...costRows.values()].map((row) => row.status)).toEqual(['RESERVED']);
    expect(sentBody(sqsMock, 0)).toMatchObject({ QueueUrl: QUEUE, DelaySeconds: 30, body: { ...job, providerJob: { jobId: 'job-1', polls: 0 } } });
    expect(mocks.sfnMock.calls()).toHaveLength(0);
  });

  it('re-sends the message of a job still running, counting the poll, without reporting', async () => {
    // Prepare: the job started
    const fixture = setup([running, succeeded]);
    await deliver(fixture, 1);

    // Act
    await processVideoJob(record(sentBody(fixture.sqsMock, 0).body), fixture.mocks.deps);

    // Assess
    expect(sentBody(fixture.sqsMock, 1).body.providerJob).toEqual({ jobId: 'job-1', polls: 1 });
    expect(fixture.mocks.sfnMock.calls()).toHaveLength(0);
  });

  it('reports only when done, settling the hold at the price of the usage, having started the job once', async () => {
    // Prepare: the job started and polled once while running
    const fixture = setup([running, succeeded]);
    await deliver(fixture, 2);

    // Act
    await processVideoJob(record(sentBody(fixture.sqsMock, 1).body), fixture.mocks.deps);

    // Assess
    expect(fixture.mocks.sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-9' });
    expect([...fixture.costRows.values()].map((row) => [row.status, row.usd])).toEqual([['SETTLED', 0.8]]);
    expect(fixture.started).toHaveLength(1);
  });

  it('polls again after a transient poll failure', async () => {
    // Prepare: the job started
    const fixture = setup([unavailable, rejected]);
    await deliver(fixture, 1);

    // Act
    await processVideoJob(record(sentBody(fixture.sqsMock, 0).body), fixture.mocks.deps);

    // Assess
    expect(sentBody(fixture.sqsMock, 1).body.providerJob.polls).toBe(1);
  });

  it('releases the hold and reports when the job fails', async () => {
    // Prepare: the job started, and its first poll failed transiently
    const fixture = setup([unavailable, rejected]);
    await deliver(fixture, 2);

    // Act
    await processVideoJob(record(sentBody(fixture.sqsMock, 1).body), fixture.mocks.deps);

    // Assess
    expect(fixture.mocks.sfnMock).toHaveReceivedCommandWith(SendTaskFailureCommand, { taskToken: 'token-9', error: 'ProviderRejected' });
    expect([...fixture.costRows.values()].map((row) => row.status)).toEqual(['RELEASED']);
  });
});
