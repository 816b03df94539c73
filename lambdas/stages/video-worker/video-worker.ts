import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { clipCodec } from '../../pipeline/codecs.js';
import { seedFrom, sha256 } from '../../core/content-hash.js';
import { estimateUsd } from '../../core/estimates.js';
import { assetKeys, type SceneRef } from '../../core/keys.js';
import { callIdentity, findCachedCall, paidCall, recordResult } from '../../pipeline/paid-call.js';
import { isAsyncVideoModel, type ClipJobStatus, type ClipResult } from '../../core/ports.js';
import { billedVideoSeconds } from '../../core/pricing.js';
import { isOpenCost } from '../../core/ledger.js';
import { ProviderNotConfigured, ProviderThrottled, ProviderTimeout, ProviderUnavailable } from '../../core/errors.js';
import type { StoredVoiceCues } from '../../core/scene-artifacts.js';
import { SceneEventSchema } from '../../pipeline/scene-context.js';
import { beginSceneStage } from '../../pipeline/scene-stage.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';

/** A job started at an async video provider, carried by the re-sent message that polls it. */
const ProviderJobSchema = z.object({ jobId: z.string().min(1), polls: z.int().min(0) });
export type ProviderJob = z.output<typeof ProviderJobSchema>;

export const VideoJobSchema = SceneEventSchema.extend({ taskToken: z.string().min(1), providerJob: ProviderJobSchema.optional() });
export type VideoJob = z.output<typeof VideoJobSchema>;

/** Step Functions caps a task failure's cause at 32 KiB. */
const MAX_CAUSE_LENGTH = 32_000;
/** SQS caps DelaySeconds at 15 minutes. */
const MAX_DELAY_SECONDS = 900;

export interface ClipOutput {
  clipKey: string;
  durationSeconds: number;
}

/** Where a scene's clip stands after one message: rendered, or a provider job to poll again later. */
export type ClipProgress = { state: 'done'; output: ClipOutput } | { state: 'pending'; providerJob: ProviderJob; delaySeconds: number };

/** Errors of a poll (not of the job): the job is still there, so poll again rather than give up on it. */
const isTransientPollFailure = (error: unknown) =>
  error instanceof ProviderThrottled || error instanceof ProviderUnavailable || error instanceof ProviderTimeout;

/**
 * Camera motion (or a generative model) over the keyframe, exactly as long as the
 * scene's voice track. A synchronous model renders within this call. An async one
 * (Sora, Nova Reel) is started on the first message with the budget reserved, then
 * polled on each re-sent message; its cost is settled from the provider's usage
 * when the job completes, and the reservation released when the job fails.
 */
export async function renderSceneClip(ref: SceneRef, deps: StageDeps, providerJob?: ProviderJob): Promise<ClipProgress> {
  const context = await beginSceneStage(deps, ref, 'VIDEO');
  const { manifest } = context;
  const { video } = await deps.providers(manifest);
  const [keyframePng, voice] = await Promise.all([
    deps.assets.getBytes(`${assetKeys.keyframe(ref)}.png`),
    deps.assets.getJson<StoredVoiceCues>(assetKeys.voiceCues(ref)),
  ]);
  const request = {
    keyframePng,
    width: manifest.format.width,
    height: manifest.format.height,
    fps: manifest.format.fps,
    durationSeconds: voice.durationSeconds,
    seed: seedFrom(context.seed, 'video'),
    prompt: `${context.scene.location}. ${context.scene.outline}`,
  };
  const paid = {
    productionId: manifest.production,
    stage: 'video',
    scene: ref,
    provider: video.provider,
    model: video.model,
    inputs: { ...request, keyframePng: sha256(keyframePng) },
    estimateUsd: estimateUsd(video, { videoSeconds: billedVideoSeconds(video.provider, video.model, voice.durationSeconds) }),
    codec: clipCodec,
  };
  const port = video.port;
  let clip: ClipResult;
  if (!isAsyncVideoModel(port)) {
    ({ result: clip } = await paidCall(deps, { ...paid, call: (options) => port.renderClip(request, options) }));
  } else {
    const cached = await findCachedCall(deps, paid);
    if (cached) {
      clip = cached.result;
    } else {
      const { idempotencyKey } = callIdentity(paid);
      const pending = (job: ProviderJob): ClipProgress => ({ state: 'pending', providerJob: job, delaySeconds: Math.min(MAX_DELAY_SECONDS, port.pollIntervalSeconds) });
      const releaseHold = async () => {
        const row = await deps.ledger.findCost(paid.productionId, idempotencyKey);
        if (row && isOpenCost(row)) await deps.ledger.release({ productionId: paid.productionId, idempotencyKey, estimateUsd: row.estimateUsd, scene: ref });
      };
      if (!providerJob) {
        const { reservation } = await deps.ledger.reserve({ productionId: paid.productionId, idempotencyKey, estimateUsd: paid.estimateUsd, stage: paid.stage, scene: ref });
        try {
          deps.onProviderCall?.({ stage: paid.stage, provider: paid.provider, model: paid.model, idempotencyKey, scene: ref });
          const { jobId } = await port.startClip(request, { idempotencyKey });
          deps.logger.info('video job started', { scene: ref, jobId });
          return pending({ jobId, polls: 0 });
        } catch (error) {
          await deps.ledger.release(reservation);
          throw error;
        }
      }
      let status: ClipJobStatus;
      try {
        status = await port.pollClip(providerJob.jobId, request);
      } catch (error) {
        if (isTransientPollFailure(error) && providerJob.polls + 1 < port.maxPolls) return pending({ ...providerJob, polls: providerJob.polls + 1 });
        await releaseHold();
        throw error;
      }
      if (status.state === 'running') {
        if (providerJob.polls + 1 < port.maxPolls) return pending({ ...providerJob, polls: providerJob.polls + 1 });
        await releaseHold();
        throw new ProviderTimeout(`${paid.provider}/${paid.model} job ${providerJob.jobId} still running after ${port.maxPolls} polls`);
      }
      const row = await deps.ledger.findCost(paid.productionId, idempotencyKey);
      await recordResult(deps, paid, { productionId: paid.productionId, idempotencyKey, estimateUsd: row?.estimateUsd ?? paid.estimateUsd, scene: ref }, status.clip);
      clip = status.clip.result;
    }
  }
  const clipKey = assetKeys.clip(ref);
  await deps.assets.putBytes(clipKey, clip.mp4, 'video/mp4');
  await deps.productions.updateScene(ref, { assets: { clip: clipKey } });
  return { state: 'done', output: { clipKey, durationSeconds: voice.durationSeconds } };
}

/**
 * Polls a provider job without waiting in a Lambda: the same message, with the job
 * and its poll count, goes back on the queue with a delay. A failed send is thrown,
 * so SQS redelivers this message and the poll (or the idempotent start) happens again.
 */
async function pollLater(job: VideoJob, progress: Extract<ClipProgress, { state: 'pending' }>, deps: StageDeps): Promise<void> {
  const queueUrl = deps.settings.videoQueueUrl;
  if (!queueUrl) throw new ProviderNotConfigured('VIDEO_QUEUE_URL is not set: an async video job cannot be polled');
  await deps.clients.sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ ...job, providerJob: progress.providerJob }), DelaySeconds: progress.delaySeconds }),
  );
}

const isClosedToken = (error: unknown) => ['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'].includes((error as Error).name);

/**
 * The last receive of a message that keeps failing: the queue moves it to the DLQ
 * next, so record why on its scene and fail the waiting Task now rather than at its
 * timeout. Both are best effort; the message itself is kept in the DLQ for redrive.
 */
async function recordPoisonMessage(record: SQSRecord, error: unknown, deps: StageDeps): Promise<void> {
  let body: Partial<VideoJob> = {};
  try {
    body = JSON.parse(record.body) as Partial<VideoJob>;
  } catch {
    deps.logger.error('unreadable video job moved to the dead-letter queue', { messageId: record.messageId });
    return;
  }
  const receives = record.attributes.ApproximateReceiveCount;
  const cause = `video job moved to the dead-letter queue after ${receives} receives: ${(error as Error).name}: ${(error as Error).message}`;
  const ref = SceneEventSchema.safeParse(body);
  const bestEffort = async (action: () => Promise<unknown>) => {
    try {
      await action();
    } catch (failure) {
      deps.logger.warn('could not record a dead-lettered video job', { messageId: record.messageId, error: (failure as Error).message });
    }
  };
  if (ref.success) {
    await bestEffort(() => deps.productions.updateScene(ref.data, { status: 'FAILED', failedStage: 'VIDEO', failure: { error: 'VideoJobPoisoned', cause } }));
  }
  if (typeof body.taskToken === 'string') {
    const taskToken = body.taskToken;
    await bestEffort(() =>
      deps.clients.sfn.send(new SendTaskFailureCommand({ taskToken, error: 'VideoJobPoisoned', cause: cause.slice(0, MAX_CAUSE_LENGTH) })),
    );
  }
  deps.logger.error('video job moved to the dead-letter queue', { messageId: record.messageId, cause });
}

/**
 * One queue message: render the clip and report back to the waiting Task with its token.
 * A provider error is reported as a task failure under its own name, so the state
 * machine's Retry and Catch rules decide what happens next. Only a message that cannot
 * be read, or a report that cannot be delivered, is thrown: SQS redelivers it and
 * after maxReceiveCount moves it to the dead-letter queue.
 */
async function handleVideoJob(record: SQSRecord, deps: StageDeps): Promise<void> {
  const job = VideoJobSchema.parse(JSON.parse(record.body));
  const ref = { productionId: job.productionId, episodeId: job.episodeId, sceneId: job.sceneId };
  let report: () => Promise<unknown>;
  try {
    const progress = await renderSceneClip(ref, deps, job.providerJob);
    if (progress.state === 'pending') {
      await pollLater(job, progress, deps);
      return;
    }
    report = () => deps.clients.sfn.send(new SendTaskSuccessCommand({ taskToken: job.taskToken, output: JSON.stringify(progress.output) }));
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    deps.logger.warn('video job failed', { scene: ref, error: failure.name, message: failure.message });
    report = () =>
      deps.clients.sfn.send(
        new SendTaskFailureCommand({ taskToken: job.taskToken, error: failure.name, cause: failure.message.slice(0, MAX_CAUSE_LENGTH) }),
      );
  }
  try {
    await report();
  } catch (error) {
    if (isClosedToken(error)) {
      deps.logger.warn('the waiting task is already closed; dropping the report', { scene: ref, error: (error as Error).name });
      return;
    }
    throw error;
  }
}

export async function processVideoJob(record: SQSRecord, deps: StageDeps): Promise<void> {
  try {
    await handleVideoJob(record, deps);
  } catch (error) {
    if (Number(record.attributes?.ApproximateReceiveCount ?? 1) >= deps.settings.videoMaxReceiveCount) {
      await recordPoisonMessage(record, error, deps);
    }
    throw error;
  }
}
