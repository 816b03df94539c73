import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import type { SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { clipCodec } from '../shared/codecs.js';
import { seedFrom, sha256 } from '../shared/content-hash.js';
import { estimateUsd } from '../shared/estimates.js';
import { assetKeys, type SceneRef } from '../shared/keys.js';
import { paidCall } from '../shared/paid-call.js';
import type { StoredVoiceCues } from '../shared/scene-artifacts.js';
import { SceneEventSchema } from '../shared/scene-context.js';
import { beginSceneStage } from '../shared/scene-stage.js';
import type { StageDeps } from '../shared/stage-runtime.js';

export const VideoJobSchema = SceneEventSchema.extend({ taskToken: z.string().min(1) });
export type VideoJob = z.output<typeof VideoJobSchema>;

/** Step Functions caps a task failure's cause at 32 KiB. */
const MAX_CAUSE_LENGTH = 32_000;

/** Camera motion (or a generative model) over the keyframe, exactly as long as the scene's voice track. */
export async function renderSceneClip(ref: SceneRef, deps: StageDeps): Promise<{ clipKey: string; durationSeconds: number }> {
  const context = await beginSceneStage(deps, ref, 'VIDEO');
  const { manifest } = context;
  const { video } = deps.providers(manifest);
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
  const { result } = await paidCall(deps, {
    productionId: manifest.production,
    stage: 'video',
    scene: ref,
    provider: video.provider,
    model: video.model,
    inputs: { ...request, keyframePng: sha256(keyframePng) },
    estimateUsd: estimateUsd(video, { videoSeconds: Math.ceil(voice.durationSeconds) }),
    codec: clipCodec,
    call: () => video.port.renderClip(request),
  });
  const clipKey = assetKeys.clip(ref);
  await deps.assets.putBytes(clipKey, result.mp4, 'video/mp4');
  await deps.productions.updateScene(ref, { assets: { clip: clipKey } });
  return { clipKey, durationSeconds: voice.durationSeconds };
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
  if (ref.success) {
    await deps.productions.updateScene(ref.data, { status: 'FAILED', failedStage: 'VIDEO', failure: { error: 'VideoJobPoisoned', cause } }).catch(() => undefined);
  }
  if (typeof body.taskToken === 'string') {
    await deps.clients.sfn
      .send(new SendTaskFailureCommand({ taskToken: body.taskToken, error: 'VideoJobPoisoned', cause: cause.slice(0, MAX_CAUSE_LENGTH) }))
      .catch(() => undefined);
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
    const output = await renderSceneClip(ref, deps);
    report = () => deps.clients.sfn.send(new SendTaskSuccessCommand({ taskToken: job.taskToken, output: JSON.stringify(output) }));
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
