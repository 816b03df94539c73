import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { BudgetLedger } from '../../../../../lambdas/adapters/aws/budget-ledger.js';
import { ProductionStore } from '../../../../../lambdas/adapters/aws/production-store.js';
import { ProviderRejected, ProviderUnavailable } from '../../../../../lambdas/core/contracts/errors.js';
import type { AsyncVideoModel, ClipJobStatus } from '../../../../../lambdas/core/contracts/ports.js';
import { validateManifest } from '../../../../../lambdas/core/manifest/validate.js';
import { VIDEO_WORKER_TIMEOUT_SECONDS } from '../../../../../lambdas/stages/video-worker/timeout.js';
import { processVideoJob, type VideoWorkerDeps } from '../../../../../lambdas/stages/video-worker/video-worker.js';
import { startLocalTable } from '../../../../support/local-table.js';
import { mockedStageDeps } from '../../../../support/mocked-stage-deps.js';
import { signal } from '../../../../support/signal.js';

const manifest = validateManifest({
  version: 1,
  production: 'async-series',
  title: 'Async',
  language: 'en-US',
  budgetUsd: 5,
  format: { aspectRatio: '9:16', width: 180, height: 320, fps: 10 },
  characters: [{ id: 'ana', name: 'Ana', description: 'red hair' }],
  episodes: [
    {
      id: 'ep01',
      title: 'One',
      scenes: [{ id: 's01', location: 'Harbour', characters: ['ana'], outline: 'Ana waits.' }],
    },
  ],
});
const scene = { productionId: 'async-series', episodeId: 'ep01', sceneId: 's01' };
const sceneKey = 'productions/async-series/scenes/ep01/s01';
const job = { ...scene, taskToken: 'token-9' };
const QUEUE = 'http://queue/video';

const record = (body: unknown, receives = 1) =>
  ({
    messageId: 'm',
    body: JSON.stringify(body),
    attributes: { ApproximateReceiveCount: String(receives) },
  }) as unknown as SQSRecord;

const forever = () => new Promise<never>(() => undefined);

/**
 * A provider whose jobs answer `polls` in turn (each job its own turn), recording every start.
 * `hangStart` makes a start never return, as a worker killed mid-start never sees the answer.
 */
function provider(polls: (() => Promise<ClipJobStatus>)[], options: { hangStart?: () => boolean } = {}) {
  const started: string[] = [];
  const polled: string[] = [];
  const firstStart = signal();
  const port: AsyncVideoModel = {
    pollIntervalSeconds: 30,
    maxPolls: 3,
    startClip: async (_request, callOptions) => {
      started.push(callOptions?.idempotencyKey ?? '');
      firstStart.fire();
      if (options.hangStart?.()) return forever();
      return { jobId: `job-${started.length}` };
    },
    pollClip: async (jobId) => {
      polled.push(jobId);
      return polls.shift()!();
    },
  };
  return { port, started, polled, firstStart: firstStart.happened };
}

/**
 * One worker process: its own clients over the test's table, bucket objects and queue.
 * `hangResend` makes the worker's re-send never return, as a worker killed after startClip.
 */
function worker(
  shared: Awaited<ReturnType<typeof world>>,
  port: AsyncVideoModel,
  options: { hangResend?: boolean } = {},
) {
  const mocks = mockedStageDeps({
    objects: shared.objects,
    providers: { video: { port, provider: 'openai-compatible', model: 'sora-2' } },
  });
  const sqsMock = mockClient(mocks.deps.clients.sqs);
  onTestFinished(() => {
    sqsMock.restore();
    mocks.s3Mock.restore();
    mocks.sfnMock.restore();
    mocks.dynamoMock.restore();
  });
  mocks.s3Mock.on(PutObjectCommand).callsFake((input: { Key: string; Body: Buffer }) => {
    shared.objects.set(input.Key, Buffer.from(input.Body));
    return {};
  });
  const resendAttempted = signal();
  sqsMock.on(SendMessageCommand).callsFake((input: { MessageBody: string; DelaySeconds: number }) => {
    resendAttempted.fire();
    if (options.hangResend) return forever();
    shared.queue.push({
      body: JSON.parse(input.MessageBody) as Record<string, unknown>,
      delaySeconds: input.DelaySeconds,
    });
    return { MessageId: `n-${shared.queue.length}` };
  });
  const deps: VideoWorkerDeps = {
    ...mocks.deps,
    productions: shared.productions,
    ledger: shared.ledger,
    tableName: shared.tableName,
    settings: { ...mocks.deps.settings, videoQueueUrl: QUEUE },
  };
  return {
    deps,
    sfnMock: mocks.sfnMock,
    resendAttempted: resendAttempted.happened,
    deliver: (body: unknown) => processVideoJob(record(body), deps),
  };
}

/** The production's table (a real one, so conditional writes hold), its bucket objects and the queue's sent messages; the test's own. */
async function world() {
  const table = await startLocalTable();
  onTestFinished(() => table.stop());
  const productions = new ProductionStore(table.dynamo, table.tableName);
  const ledger = new BudgetLedger(table.dynamo, table.tableName);
  await productions.openProduction({
    productionId: scene.productionId,
    title: 'Async',
    language: 'en-US',
    budgetUsd: 5,
    manifestKey: 'manifests/a.yaml',
    executionName: 'a',
  });
  await productions.ensureScene({ ...scene, index: 0 });
  const objects = new Map<string, Buffer>([
    ['productions/async-series/manifest.json', Buffer.from(JSON.stringify(manifest))],
    [`${sceneKey}/keyframe.png`, Buffer.from('png-bytes')],
    [`${sceneKey}/voice-cues.json`, Buffer.from(JSON.stringify({ durationSeconds: 5, cues: [] }))],
  ]);
  const queue: { body: Record<string, unknown>; delaySeconds: number }[] = [];
  return { tableName: table.tableName, productions, ledger, objects, queue };
}

const costRows = async (shared: Awaited<ReturnType<typeof world>>) =>
  (await shared.ledger.listCosts(scene.productionId)).map((row) => [row.status, row.usd, row.estimateUsd]);

const running = async (): Promise<ClipJobStatus> => ({ state: 'running' });
const succeeded = async (): Promise<ClipJobStatus> => ({
  state: 'succeeded',
  clip: {
    result: { mp4: Buffer.from('mp4') },
    usage: { videoSeconds: 8 },
    provider: 'openai-compatible',
    model: 'sora-2',
  },
});
const unavailable = async (): Promise<ClipJobStatus> => {
  throw new ProviderUnavailable('gateway 502');
};
const rejected = async (): Promise<ClipJobStatus> => {
  throw new ProviderRejected('job failed: internal error');
};

describe('video worker with an async provider', () => {
  it("starts the job with the call's idempotency key, records it on the scene, holds its cost, and re-sends the message to poll, without reporting", async () => {
    // Prepare
    const shared = await world();
    const video = provider([running, succeeded]);
    const one = worker(shared, video.port);

    // Act
    await one.deliver(job);

    // Assess
    expect(video.started).toEqual([expect.stringMatching(/^video#[0-9a-f]{64}$/)]);
    expect(await shared.productions.findProviderJob(scene, 'video')).toMatchObject({
      state: 'STARTED',
      jobId: 'job-1',
      provider: 'openai-compatible',
      model: 'sora-2',
      costKey: video.started[0],
      providerKey: video.started[0],
    });
    expect(await costRows(shared)).toEqual([['RESERVED', 0, 0.8]]);
    expect(shared.queue).toEqual([{ body: { ...job, polls: 0 }, delaySeconds: 30 }]);
    expect(one.sfnMock.calls()).toHaveLength(0);
  });

  it('re-sends the message of a job still running, counting the poll, without reporting', async () => {
    // Prepare: the job started
    const shared = await world();
    const video = provider([running, succeeded]);
    const one = worker(shared, video.port);
    await one.deliver(job);

    // Act
    await one.deliver(shared.queue[0]!.body);

    // Assess
    expect(video.polled).toEqual(['job-1']);
    expect(shared.queue[1]!.body.polls).toBe(1);
    expect(one.sfnMock.calls()).toHaveLength(0);
  });

  it('reports only when done, settling the hold at the price of the usage, having started the job once', async () => {
    // Prepare: the job started and polled once while running
    const shared = await world();
    const video = provider([running, succeeded]);
    const one = worker(shared, video.port);
    await one.deliver(job);
    await one.deliver(shared.queue[0]!.body);

    // Act
    await one.deliver(shared.queue[1]!.body);

    // Assess
    expect(one.sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-9' });
    expect(await costRows(shared)).toEqual([['SETTLED', 0.8, 0.8]]);
    expect(video.started).toHaveLength(1);
  });

  it('polls again after a transient poll failure', async () => {
    // Prepare: the job started
    const shared = await world();
    const one = worker(shared, provider([unavailable, rejected]).port);
    await one.deliver(job);

    // Act
    await one.deliver(shared.queue[0]!.body);

    // Assess
    expect(shared.queue[1]!.body.polls).toBe(1);
  });

  it('releases the hold, forgets the job and reports when the job fails', async () => {
    // Prepare: the job started, and its first poll failed transiently
    const shared = await world();
    const one = worker(shared, provider([unavailable, rejected]).port);
    await one.deliver(job);
    await one.deliver(shared.queue[0]!.body);

    // Act
    await one.deliver(shared.queue[1]!.body);

    // Assess
    expect(one.sfnMock).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: 'token-9',
      error: 'ProviderRejected',
    });
    expect(await costRows(shared)).toEqual([['RELEASED', 0, 0.8]]);
    expect(await shared.productions.findProviderJob(scene, 'video')).toBeUndefined();
  });

  it('killed between startClip and its next step: the redelivered message polls the job it started and starts none', async () => {
    // Prepare: a worker starts the job and dies before its message is re-sent
    const shared = await world();
    const video = provider([succeeded]);
    const killed = worker(shared, video.port, { hangResend: true });
    void killed.deliver(job);
    await killed.resendAttempted;
    const next = worker(shared, video.port);

    // Act: SQS delivers the same message again to another worker, after the visibility timeout
    await next.deliver(job);

    // Assess
    expect(video.started).toHaveLength(1);
    expect(video.polled).toEqual(['job-1']);
    expect(next.sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-9' });
    expect(await costRows(shared)).toEqual([['SETTLED', 0.8, 0.8]]);
  });

  it('two concurrent deliveries of one video task start one job', async () => {
    // Prepare: the task's message and a second message for it (a retried Task), taken by two workers at once
    const shared = await world();
    const video = provider([succeeded, succeeded]);
    const [first, second] = [worker(shared, video.port), worker(shared, video.port)];

    // Act: then each message either re-sent, by whichever worker, until none is left
    await Promise.all([first.deliver(job), second.deliver({ ...job, taskToken: 'token-10' })]);
    for (let round = 0; shared.queue.length > 0 && round < 10; round++) {
      await Promise.all(
        shared.queue.splice(0).map((message, index) => [first, second][index % 2]!.deliver(message.body)),
      );
    }

    // Assess
    expect(video.started).toHaveLength(1);
    const reported = [first, second].flatMap((w) =>
      w.sfnMock.commandCalls(SendTaskSuccessCommand).map((call) => call.args[0].input.taskToken),
    );
    expect(reported.sort()).toEqual(['token-10', 'token-9']);
    expect(await costRows(shared)).toEqual([['SETTLED', 0.8, 0.8]]);
  });

  it("a resumed execution's task polls the job the killed run started, and settles its unconfirmed charge at the usage", async () => {
    // Prepare: the job started and polled once, then the run died; the next execution opened the production again
    const shared = await world();
    const video = provider([running, succeeded]);
    const killed = worker(shared, video.port);
    await killed.deliver(job);
    await killed.deliver(shared.queue[0]!.body);
    await shared.ledger.carryOpenReservations(scene.productionId);
    expect(await costRows(shared)).toEqual([['UNCONFIRMED', 0, 0.8]]);
    const resumed = worker(shared, video.port);

    // Act: the new execution's task for the scene, with a token of its own
    await resumed.deliver({ ...job, taskToken: 'token-resumed' });

    // Assess
    expect(video.started).toHaveLength(1);
    expect(resumed.sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-resumed' });
    expect(await costRows(shared)).toEqual([['SETTLED', 0.8, 0.8]]);
    expect((await shared.productions.getProduction(scene.productionId)).unconfirmedUsd).toBe(0);
  });

  it('takes over a start whose worker died mid-call only once the claim is older than the function can live, asking again under the same key', async () => {
    // Prepare: a worker claimed the start and died inside startClip
    const shared = await world();
    let starts = 0;
    const video = provider([succeeded], { hangStart: () => ++starts === 1 });
    void worker(shared, video.port).deliver(job);
    await video.firstStart;
    const next = worker(shared, video.port);
    await next.deliver(job);
    const startsWithinTheLease = video.started.length;
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + (VIDEO_WORKER_TIMEOUT_SECONDS + 1) * 1000 });
    onTestFinished(() => void vi.useRealTimers());

    // Act
    await next.deliver(job);

    // Assess
    expect(startsWithinTheLease).toBe(1);
    expect(video.started).toHaveLength(2);
    expect(video.started[1]).toBe(video.started[0]);
    expect((await costRows(shared)).sort()).toEqual([
      ['RESERVED', 0, 0.8],
      ['UNCONFIRMED', 0, 0.8],
    ]);
    expect(await shared.productions.findProviderJob(scene, 'video')).toMatchObject({
      state: 'STARTED',
      jobId: 'job-2',
    });
  });
});
