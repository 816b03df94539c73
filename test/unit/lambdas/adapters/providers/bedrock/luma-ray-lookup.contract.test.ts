import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  BedrockRuntimeClient,
  GetAsyncInvokeCommand,
  ListAsyncInvokesCommand,
  StartAsyncInvokeCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runFfmpeg, withTempDir } from '../../../../../../lambdas/adapters/media/ffmpeg.js';
import { LumaRayVideoModel } from '../../../../../../lambdas/adapters/providers/bedrock/luma-ray-video-model.js';
import {
  DEFAULT_GUARD_SETTINGS,
  ProviderGuard,
} from '../../../../../../lambdas/composition/resilience/provider-guard.js';
import { ProviderTimeout } from '../../../../../../lambdas/core/contracts/errors.js';
import type { ClipRequest, ClipResult } from '../../../../../../lambdas/core/contracts/ports.js';
import { costUsd } from '../../../../../../lambdas/core/pricing/pricing.js';
import { clipCodec } from '../../../../../../lambdas/pipeline/codecs.js';
import { advanceProviderJob, type ProviderJobCall } from '../../../../../../lambdas/pipeline/provider-job.js';
import type { StageDeps } from '../../../../../../lambdas/pipeline/stage-deps.js';
import { ledgerAndBucket } from '../../../../../support/ledger-and-bucket.js';
import { mockedStageDeps } from '../../../../../support/mocked-stage-deps.js';

const MODEL = 'luma.ray-v2:0';
const scene = { productionId: 'p1', episodeId: 'ep01', sceneId: 's01' };
const request: ClipRequest = {
  keyframePng: Buffer.from('png'),
  width: 1080,
  height: 1920,
  fps: 24,
  durationSeconds: 4,
  seed: 3,
  prompt: 'Harbour. Ana waits.',
};
const BILL_OF_ONE = costUsd('bedrock', MODEL, { videoSeconds: 5 });
// Long enough that an answered request is never late on a busy machine.
const ATTEMPT_TIMEOUT_MS = 400;

async function mp4Of(seconds: number): Promise<Buffer> {
  return withTempDir(async (dir) => {
    const file = path.join(dir, 'o.mp4');
    await runFfmpeg(['-f', 'lavfi', '-i', `testsrc=s=64x112:r=8:d=${seconds}`, '-pix_fmt', 'yuv420p', file]);
    return readFile(file);
  });
}

type StartFate = 'received-no-answer' | 'lost' | 'answer';

/**
 * Bedrock as the documents describe it: StartAsyncInvoke keeps one invocation per clientRequestToken and bills it
 * once; ListAsyncInvokes lists the invocations submitted after `submitTimeAfter` with their tokens; GetAsyncInvoke
 * reports one completed, its MP4 under the output URI. Each start's fate says whether the request reached Bedrock and
 * whether its answer came back.
 */
async function bedrockAccount(fates: StartFate[]) {
  const bedrock = new BedrockRuntimeClient({ region: 'us-west-2' });
  const s3 = new S3Client({ region: 'us-west-2' });
  const bedrockMock = mockClient(bedrock);
  const s3Mock = mockClient(s3);
  onTestFinished(() => {
    bedrockMock.restore();
    s3Mock.restore();
  });
  const invocations: { token: string; arn: string; submitTime: Date; s3Uri: string }[] = [];
  const starts: StartFate[] = [];
  bedrockMock
    .on(StartAsyncInvokeCommand)
    .callsFake((input: { clientRequestToken: string; outputDataConfig: { s3OutputDataConfig: { s3Uri: string } } }) => {
      const fate = fates.shift() ?? 'answer';
      starts.push(fate);
      if (fate === 'lost') return new Promise(() => undefined);
      let invocation = invocations.find((known) => known.token === input.clientRequestToken);
      if (!invocation) {
        invocation = {
          token: input.clientRequestToken,
          arn: `arn:aws:bedrock:us-west-2:1:async-invoke/job-${invocations.length + 1}`,
          submitTime: new Date(),
          s3Uri: input.outputDataConfig.s3OutputDataConfig.s3Uri,
        };
        invocations.push(invocation);
      }
      if (fate === 'received-no-answer') return new Promise(() => undefined);
      return { invocationArn: invocation.arn };
    });
  bedrockMock.on(ListAsyncInvokesCommand).callsFake((input: { submitTimeAfter: Date }) => ({
    asyncInvokeSummaries: invocations
      .filter((invocation) => invocation.submitTime > input.submitTimeAfter)
      .map((invocation) => ({
        invocationArn: invocation.arn,
        modelArn: `arn:aws:bedrock:us-west-2::foundation-model/${MODEL}`,
        clientRequestToken: invocation.token,
        status: 'InProgress',
        submitTime: invocation.submitTime,
        outputDataConfig: { s3OutputDataConfig: { s3Uri: invocation.s3Uri } },
      })),
  }));
  bedrockMock.on(GetAsyncInvokeCommand).callsFake((input: { invocationArn: string }) => {
    const invocation = invocations.find((known) => known.arn === input.invocationArn)!;
    return {
      invocationArn: invocation.arn,
      modelArn: MODEL,
      clientRequestToken: invocation.token,
      status: 'Completed',
      submitTime: invocation.submitTime,
      outputDataConfig: { s3OutputDataConfig: { s3Uri: invocation.s3Uri } },
    };
  });
  const clip = await mp4Of(5);
  s3Mock.on(GetObjectCommand).resolves({ Body: { transformToByteArray: async () => new Uint8Array(clip) } as never });
  const model = (maxAttempts = DEFAULT_GUARD_SETTINGS.maxAttempts) =>
    new LumaRayVideoModel(
      bedrock,
      s3,
      new ProviderGuard(
        'bedrock',
        { take: async () => undefined },
        {
          ...DEFAULT_GUARD_SETTINGS,
          maxAttempts,
          attemptTimeoutMs: ATTEMPT_TIMEOUT_MS,
          initialBackoffMs: 1,
          maxBackoffMs: 2,
        },
      ),
      MODEL,
      'assets',
      20,
      10,
    );
  return { model, invocations, starts, bedrockMock };
}

/** The scene's video as the video worker runs it: one provider job on the scene's row, over a local table. */
async function videoJob() {
  const { deps: paid, ledger, productions } = await ledgerAndBucket(100);
  await productions.ensureScene({ ...scene, index: 0 });
  const deps: StageDeps = { ...mockedStageDeps().deps, ...paid, productions };
  const call = (model: LumaRayVideoModel): ProviderJobCall<ClipResult> => ({
    productionId: scene.productionId,
    priority: 5,
    stage: 'video',
    scene,
    provider: 'bedrock',
    model: MODEL,
    inputs: { prompt: request.prompt, seed: request.seed },
    estimateUsd: BILL_OF_ONE,
    codec: clipCodec,
    pollIntervalSeconds: 1,
    maxPolls: 3,
    claimLeaseSeconds: 0,
    start: (options) => model.startClip(request, options),
    poll: async (jobId) => {
      const status = await model.pollClip(jobId);
      return status.state === 'running' ? status : { state: 'succeeded', result: status.clip };
    },
  });
  const budget = async () => {
    const production = await productions.getProduction(scene.productionId);
    return { spent: production.spentUsd, unconfirmed: production.unconfirmedUsd, reserved: production.reservedUsd };
  };
  return { deps, ledger, call, budget };
}

describe('Luma Ray 2 starts, looked up by their clientRequestToken before they are bought again', () => {
  it('finds a start that timed out after Bedrock received it, follows that job, and bills it once: the ledger equals the bill', async () => {
    // Prepare
    const bedrock = await bedrockAccount(['received-no-answer']);
    const job = await videoJob();
    const call = job.call(bedrock.model());

    // Act: the start times out, the guard asks Bedrock before it sends again; then the job is polled to its end
    const started = await advanceProviderJob(job.deps, call, 0);
    const done = await advanceProviderJob(job.deps, call, 0);

    // Assess: one start sent, one invocation, followed; the lookup started no later than the timed-out attempt's hold
    expect(started.state).toBe('pending');
    expect(done.state).toBe('done');
    expect(bedrock.starts).toEqual(['received-no-answer']);
    expect(bedrock.invocations).toHaveLength(1);
    const lookup = bedrock.bedrockMock.commandCalls(ListAsyncInvokesCommand)[0]!.args[0].input;
    expect(lookup.submitTimeAfter!.getTime()).toBeLessThan(bedrock.invocations[0]!.submitTime.getTime());
    // The lookup held nothing, so the timed-out attempt's row is the one the job settles.
    const rows = await job.ledger.listCosts(scene.productionId);
    expect(rows.map((row) => row.status)).toEqual(['SETTLED']);
    expect(rows[0]!.usd).toBeCloseTo(BILL_OF_ONE, 10);
    const budget = await job.budget();
    expect(budget.spent).toBeCloseTo(bedrock.invocations.length * BILL_OF_ONE, 10);
    expect(budget.unconfirmed).toBe(0);
    expect(budget.reserved).toBe(0);
  });

  it('buys again when Bedrock has no invocation for the token, and releases the attempt that never reached it', async () => {
    // Prepare
    const bedrock = await bedrockAccount(['lost', 'answer']);
    const job = await videoJob();
    const call = job.call(bedrock.model());

    // Act
    await advanceProviderJob(job.deps, call, 0);
    const done = await advanceProviderJob(job.deps, call, 0);

    // Assess: asked, found none, sent again under the same token; one invocation, billed once
    expect(done.state).toBe('done');
    expect(bedrock.bedrockMock.commandCalls(ListAsyncInvokesCommand)).toHaveLength(1);
    expect(bedrock.starts).toEqual(['lost', 'answer']);
    const tokens = bedrock.bedrockMock
      .commandCalls(StartAsyncInvokeCommand)
      .map((sent) => sent.args[0].input.clientRequestToken);
    expect(new Set(tokens).size).toBe(1);
    expect(bedrock.invocations).toHaveLength(1);
    const rows = await job.ledger.listCosts(scene.productionId);
    expect(rows.filter((row) => row.status === 'SETTLED')).toHaveLength(1);
    expect(rows.filter((row) => row.status === 'UNCONFIRMED')).toHaveLength(0);
    const budget = await job.budget();
    expect(budget.spent).toBeCloseTo(BILL_OF_ONE, 10);
    expect(budget.unconfirmed).toBe(0);
  });

  it("asks Bedrock first when the Task's retry finds the earlier delivery's start unconfirmed, and settles that row from the job", async () => {
    // Prepare: a delivery whose only attempt times out after Bedrock received it
    const bedrock = await bedrockAccount(['received-no-answer']);
    const job = await videoJob();
    const failed = await advanceProviderJob(job.deps, job.call(bedrock.model(1)), 0).catch((error: unknown) => error);
    const unconfirmedRow = (await job.ledger.listCosts(scene.productionId))[0]!;

    // Act: the Task's retry, a new delivery
    const retry = job.call(bedrock.model());
    await advanceProviderJob(job.deps, retry, 0);
    const done = await advanceProviderJob(job.deps, retry, 0);

    // Assess: the first delivery left its row unconfirmed; the retry sent nothing, followed the job and settled that row
    expect(failed).toBeInstanceOf(ProviderTimeout);
    expect(unconfirmedRow.status).toBe('UNCONFIRMED');
    expect(done.state).toBe('done');
    expect(bedrock.starts).toHaveLength(1);
    const rows = await job.ledger.listCosts(scene.productionId);
    const settled = rows.find((row) => row.idempotencyKey === unconfirmedRow.idempotencyKey)!;
    expect(settled.status).toBe('SETTLED');
    expect(settled.usd).toBeCloseTo(BILL_OF_ONE, 10);
    expect(rows.filter((row) => row.idempotencyKey !== unconfirmedRow.idempotencyKey).map((row) => row.status)).toEqual(
      ['RELEASED'],
    );
    const budget = await job.budget();
    expect(budget.spent).toBeCloseTo(BILL_OF_ONE, 10);
    expect(budget.unconfirmed).toBe(0);
    expect(budget.reserved).toBe(0);
  });
});
