import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { clipSpeech } from '../../adapters/media/clip-speech.js';
import { ProviderNotConfigured, ProviderOutputInvalid } from '../../core/contracts/errors.js';
import { assetKeys, type SceneRef } from '../../core/contracts/keys.js';
import {
  type ClipDialogue,
  type ClipResult,
  DEFAULT_CONSISTENCY_THRESHOLD,
  isAsyncVideoModel,
  isCameraMoveClip,
  type RenderedImage,
} from '../../core/contracts/ports.js';
import * as z from '../../core/contracts/zod-mini.js';
import { seedFrom, sha256 } from '../../core/domain/content-hash.js';
import {
  cuesFromSpeech,
  describeVoice,
  nativeDialoguePrompt,
  plannedNativeSeconds,
  sceneVoiceMode,
} from '../../core/domain/native-voice.js';
import type { StoredScript, StoredVoiceCues } from '../../core/domain/scene-artifacts.js';
import { videoCandidates } from '../../core/manifest/queries.js';
import type { Manifest } from '../../core/manifest/schema.js';
import { estimateUsd } from '../../core/pricing/estimates.js';
import { billedVideoSeconds, dialogueOf } from '../../core/pricing/pricing.js';
import { clipPrompt } from '../../core/prompts/image-prompts.js';
import { clipCodec, getRenderedImage } from '../../pipeline/codecs.js';
import { type Cut, CutSchema, manifestForCut } from '../../pipeline/cut.js';
import {
  callIdentity,
  findCachedCall,
  type HeldCall,
  holdTogether,
  type PaidCall,
  paidCall,
} from '../../pipeline/paid-call.js';
import { advanceProviderJob } from '../../pipeline/provider-job.js';
import { recordFailureCause } from '../../pipeline/record-failure-cause.js';
import { findCharacter, SceneEventSchema } from '../../pipeline/scene-context.js';
import { beginSceneStage } from '../../pipeline/scene-stage.js';
import type { AnswersTasks, RequeuesJobs, StageDeps } from '../../pipeline/stage-deps.js';
import { chooseCandidate } from './choose-candidate.js';
import { scoreCandidate } from './score-candidates.js';
import { VIDEO_WORKER_TIMEOUT_SECONDS } from './timeout.js';

/** The provider ports this stage uses: its handler declares them with their offline models. */
export type VideoWorkerPorts = 'video' | 'consistency';

/** What the video worker gets: its ports, and the clients that answer the waiting Task and re-queue a job. */
export type VideoWorkerDeps = StageDeps<VideoWorkerPorts> & AnswersTasks & RequeuesJobs;

/**
 * A video task: the scene and the waiting Task's token. A message re-sent to poll an async
 * provider's job also counts its polls; the job itself is recorded on the scene's row.
 */
export const VideoJobSchema = z.extend(SceneEventSchema, {
  taskToken: z.string().check(z.minLength(1)),
  polls: z.optional(z.int().check(z.gte(0))),
  cut: z.optional(CutSchema),
});
export type VideoJob = z.output<typeof VideoJobSchema>;

/** Step Functions caps a task failure's cause at 32 KiB. */
const MAX_CAUSE_LENGTH = 32_000;

export interface ClipOutput {
  clipKey: string;
  durationSeconds: number;
}

/** Where a scene's clip stands after one message: rendered, or a provider job to poll again later. */
export type ClipProgress =
  | { state: 'done'; output: ClipOutput }
  | { state: 'pending'; polls: number; delaySeconds: number };

/**
 * Camera motion (or a generative model) over the keyframe, as long as the scene's voice
 * track. A rendered clip is stored as delivered (`clip.mp4`); a camera move as its plan
 * (`camera-move.json`), which the episode's encode renders. The scene's row names the one
 * this run made. A synchronous model renders within this call. An async one
 * (Sora, Luma Ray 2) is a provider job (lambdas/pipeline/provider-job.ts): started once,
 * recorded on the scene's row before it is polled, then polled on each re-sent message;
 * its cost is settled from the provider's usage when the job completes.
 *
 * A scene that asks for several candidates (`video.candidates`) buys each as its own paid call
 * (or job), the budget held for all of them before any is sent, then scores them and keeps the
 * best (score-candidates.ts, choose-candidate.ts). The animatic, made at $0 to be reviewed, buys one.
 */
export async function renderSceneClip(
  ref: SceneRef,
  deps: StageDeps<VideoWorkerPorts>,
  polls = 0,
  cut?: Cut,
): Promise<ClipProgress> {
  const context = await beginSceneStage(deps, ref, 'VIDEO');
  const { manifest } = context;
  const providers = await deps.providers(manifestForCut(manifest, cut));
  const { video } = providers;
  const [keyframePng, voice] = await Promise.all([
    deps.assets.getBytes(`${assetKeys.keyframe(ref)}.png`),
    deps.assets.getJson<StoredVoiceCues>(assetKeys.voiceCues(ref)),
  ]);
  const count = cut === 'animatic' ? 1 : videoCandidates(manifest, context.scene);
  // The animatic's offline model renders no dialogue (validation refuses a review of native voices before video).
  const native = cut !== 'animatic' && sceneVoiceMode(manifest, context.scene) === 'native';
  const dialogue = native
    ? await nativeDialogue(deps, manifest, ref, dialogueOf(video.provider, video.model) === 'reference-voice')
    : undefined;
  const prompt = dialogue
    ? `${clipPrompt(context.brief)}\n${nativeDialoguePrompt(dialogue.speakers, dialogue.lines)}`
    : clipPrompt(context.brief);
  // A native scene's length is planned from its lines, not read back from the cues its clip's speech re-times: a
  // redelivery after the clip was measured asks for the same clip.
  const durationSeconds = dialogue ? plannedNativeSeconds(dialogue.lines) : voice.durationSeconds;
  const calls = Array.from({ length: count }, (_, index) => {
    const candidate = index + 1;
    // The first candidate is the clip a single-candidate scene buys: the same seed, cache entry and job slot.
    const seed = candidate === 1 ? seedFrom(context.seed, 'video') : seedFrom(context.seed, 'video', candidate);
    const request = {
      keyframePng,
      width: manifest.format.width,
      height: manifest.format.height,
      fps: manifest.format.fps,
      durationSeconds,
      seed,
      prompt,
      ...(dialogue && { dialogue }),
    };
    const paid = {
      productionId: manifest.production,
      priority: manifest.priority,
      stage: 'video',
      scene: ref,
      provider: video.provider,
      model: video.model,
      inputs: { ...request, keyframePng: sha256(keyframePng), ...(dialogue && { dialogue: dialogueInputs(dialogue) }) },
      estimateUsd: estimateUsd(video, {
        videoSeconds: billedVideoSeconds(video.provider, video.model, durationSeconds),
      }),
      codec: clipCodec,
    };
    return { candidate, seed, request, paid, jobSlot: candidate === 1 ? undefined : `video-${candidate}` };
  });
  const held = count > 1 ? await holdCandidates(deps, calls) : new Map<number, HeldCall>();

  // A hold is the call's once handed to it; a failure before then leaves the rest to release.
  const spend = (candidate: number) => {
    const hold = held.get(candidate);
    held.delete(candidate);
    return hold;
  };
  const port = video.port;
  const clips: ClipResult[] = [];
  const pending: Extract<ClipProgress, { state: 'pending' }>[] = [];
  try {
    for (const { candidate, request, paid, jobSlot } of calls) {
      if (!isAsyncVideoModel(port)) {
        const { result } = await paidCall(deps, {
          ...paid,
          held: spend(candidate),
          call: (options) => port.renderClip(request, options),
        });
        clips.push(result);
        continue;
      }
      const progress = await advanceProviderJob(
        deps,
        {
          ...paid,
          held: spend(candidate),
          jobSlot,
          pollIntervalSeconds: port.pollIntervalSeconds,
          maxPolls: port.maxPolls,
          claimLeaseSeconds: VIDEO_WORKER_TIMEOUT_SECONDS,
          start: (options) => port.startClip(request, options),
          poll: async (jobId) => {
            const status = await port.pollClip(jobId, request);
            return status.state === 'running' ? status : { state: 'succeeded', result: status.clip };
          },
        },
        polls,
      );
      if (progress.state === 'pending') pending.push(progress);
      else clips.push(progress.result);
    }
  } catch (error) {
    await Promise.all([...held.values()].map((hold) => deps.ledger.release(hold.reservation)));
    throw error;
  }
  if (pending.length > 0)
    return {
      state: 'pending',
      polls: Math.max(...pending.map((p) => p.polls)),
      delaySeconds: Math.min(...pending.map((p) => p.delaySeconds)),
    };

  let clip = clips[0]!;
  if (count > 1) {
    const keyframe = await getRenderedImage(deps.assets, assetKeys.keyframe(ref));
    const references: Record<string, RenderedImage> = {};
    for (const character of context.brief.characters) {
      references[character.id] = await getRenderedImage(
        deps.assets,
        assetKeys.referenceSheet(manifest.production, character.id),
      );
    }
    const scoring = { scene: ref, manifest, keyframe, references, consistency: providers.consistency };
    const scored = [];
    for (const [index, { candidate, seed, paid }] of calls.entries()) {
      scored.push(
        await scoreCandidate(deps, scoring, {
          candidate,
          seed,
          provider: video.provider,
          model: video.model,
          clip: clips[index]!,
          clipKey: callIdentity(paid).idempotencyKey,
        }),
      );
    }
    const threshold =
      deps.settings.consistencyThreshold ??
      providers.consistency.port.defaultThreshold ??
      DEFAULT_CONSISTENCY_THRESHOLD;
    const choice = chooseCandidate(scored, threshold);
    clip = clips[choice.kept.candidate - 1]!;
    deps.logger.info('video candidates scored', { scene: ref, kept: choice.kept.candidate, threshold });
    await deps.productions.updateScene(ref, { videoCandidates: choice.candidates });
  }
  let clipKey: string;
  if (isCameraMoveClip(clip)) {
    clipKey = assetKeys.cameraMove(ref);
    await deps.assets.putJson(clipKey, clip.cameraMove);
  } else {
    clipKey = assetKeys.clip(ref);
    await deps.assets.putBytes(clipKey, clip.mp4, 'video/mp4');
  }
  await deps.productions.updateScene(ref, { assets: { clip: clipKey } });
  if (!dialogue || isCameraMoveClip(clip))
    return { state: 'done', output: { clipKey, durationSeconds: voice.durationSeconds } };
  const spokenSeconds = await takeClipVoice(deps, manifest, ref, clip.mp4, dialogue);
  await deps.productions.updateScene(ref, {
    nativeVoice: {
      mode: 'native',
      provider: video.provider,
      model: video.model,
      voices: dialogue.speakers.some((speaker) => speaker.referenceVoiceWav) ? 'reference-voice' : 'in-prompt',
    },
  });
  return { state: 'done', output: { clipKey, durationSeconds: spokenSeconds } };
}

/**
 * What a natively voiced scene's clip is to say: its script's lines in order, and each speaker's voice
 * described (gender, age, timbre, pace); with the reference voice Cast characters made, for a model that takes one.
 */
async function nativeDialogue(
  deps: StageDeps,
  manifest: Manifest,
  ref: SceneRef,
  referenceVoices: boolean,
): Promise<ClipDialogue> {
  const script = await deps.assets.getJson<StoredScript>(assetKeys.script(ref));
  const lines = script.lines.map((line) => ({ characterId: line.character, text: line.line }));
  const speakers = [];
  for (const characterId of new Set(lines.map((line) => line.characterId))) {
    const character = findCharacter(manifest, characterId);
    speakers.push({
      characterId,
      name: character.name,
      voice: describeVoice(character.voice),
      ...(referenceVoices && {
        referenceVoiceWav: await deps.assets.getBytes(assetKeys.referenceVoice(manifest.production, characterId)),
      }),
    });
  }
  return { lines, speakers };
}

/** The dialogue as a cache key holds it: each reference voice by its hash. */
const dialogueInputs = (dialogue: ClipDialogue) => ({
  lines: dialogue.lines,
  speakers: dialogue.speakers.map(({ referenceVoiceWav, ...speaker }) => ({
    ...speaker,
    ...(referenceVoiceWav && { referenceVoice: sha256(referenceVoiceWav) }),
  })),
});

/**
 * A natively voiced scene's voice track is its clip's own audio, and its cues are timed by the speech measured
 * in it, each line on its own stretch of speech (core/domain/native-voice.ts): the scene then lasts as long as its clip
 * speaks, and the episode mixes that audio as the scene's dialogue. A clip with no audio, or silent where it had
 * lines to say, is not the scene: ProviderOutputInvalid.
 */
async function takeClipVoice(
  deps: StageDeps,
  manifest: Manifest,
  ref: SceneRef,
  mp4: Buffer,
  dialogue: ClipDialogue,
): Promise<number> {
  const scene = `${ref.episodeId}/${ref.sceneId}`;
  const measured = await clipSpeech(mp4);
  if (!measured) throw new ProviderOutputInvalid(`the clip of ${scene} has no audio track to speak its lines`);
  const names = new Map(manifest.characters.map((character) => [character.id, character.name]));
  const lines = dialogue.lines.map((line) => ({ ...line, speaker: names.get(line.characterId) ?? line.characterId }));
  const cues = cuesFromSpeech(lines, measured.speech);
  if (!cues)
    throw new ProviderOutputInvalid(`the clip of ${scene} holds no speech, where it had ${lines.length} lines to say`);
  const stored: StoredVoiceCues = { durationSeconds: measured.durationSeconds, cues, native: 'measured' };
  await deps.assets.putBytes(assetKeys.voice(ref), measured.wav, 'audio/wav');
  await deps.assets.putJson(assetKeys.voiceCues(ref), stored);
  await deps.productions.updateScene(ref, {
    durationSeconds: measured.durationSeconds,
    assets: { voice: assetKeys.voice(ref) },
  });
  return measured.durationSeconds;
}

/**
 * The budget for every candidate not yet bought, held together before any is sent: a budget that
 * cannot cover them all stops the scene with `BudgetExceeded` having bought none of them. A
 * candidate already cached, or already a job on the scene's row, is paid for and holds nothing.
 */
async function holdCandidates(
  deps: StageDeps,
  calls: { candidate: number; paid: Omit<PaidCall<ClipResult>, 'call'>; jobSlot?: string }[],
): Promise<Map<number, HeldCall>> {
  const unbought = [];
  for (const call of calls) {
    if (await findCachedCall(deps, call.paid)) continue;
    const job = await deps.productions.findProviderJob(call.paid.scene!, call.jobSlot ?? call.paid.stage);
    if (job?.callKey === callIdentity(call.paid).idempotencyKey) continue;
    unbought.push(call);
  }
  const held = await holdTogether(
    deps,
    unbought.map((call) => call.paid),
  );
  return new Map(unbought.map((call, index) => [call.candidate, held[index]!]));
}

/**
 * Polls a provider job without waiting in a Lambda: the same message, with its poll
 * count, goes back on the queue with a delay. A failed send is thrown, so SQS
 * redelivers this message, which finds the job on the scene's row and polls it.
 */
async function pollLater(
  job: VideoJob,
  progress: Extract<ClipProgress, { state: 'pending' }>,
  deps: StageDeps & RequeuesJobs,
): Promise<void> {
  const queueUrl = deps.settings.videoQueueUrl;
  if (!queueUrl) throw new ProviderNotConfigured('VIDEO_QUEUE_URL is not set: an async video job cannot be polled');
  await deps.clients.sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify({ ...job, polls: progress.polls }),
      DelaySeconds: progress.delaySeconds,
    }),
  );
}

const isClosedToken = (error: unknown) =>
  ['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'].includes((error as Error).name);

/**
 * The last receive of a message that keeps failing: the queue moves it to the DLQ
 * next, so record why on its scene and fail the waiting Task now rather than at its
 * timeout. Both are best effort; the message itself is kept in the DLQ for redrive.
 */
async function recordPoisonMessage(record: SQSRecord, error: unknown, deps: StageDeps & AnswersTasks): Promise<void> {
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
      deps.logger.warn('could not record a dead-lettered video job', {
        messageId: record.messageId,
        error: (failure as Error).message,
      });
    }
  };
  if (ref.success) {
    await bestEffort(() =>
      deps.productions.updateScene(ref.data, {
        status: 'FAILED',
        failedStage: 'VIDEO',
        failure: { error: 'VideoJobPoisoned', cause },
      }),
    );
  }
  if (typeof body.taskToken === 'string') {
    const taskToken = body.taskToken;
    await bestEffort(() =>
      deps.clients.sfn.send(
        new SendTaskFailureCommand({ taskToken, error: 'VideoJobPoisoned', cause: cause.slice(0, MAX_CAUSE_LENGTH) }),
      ),
    );
  }
  deps.logger.error('video job moved to the dead-letter queue', { messageId: record.messageId, cause });
}

/**
 * One queue message: render the clip and report back to the waiting Task with its token.
 * A provider error is reported as a task failure under its own name, so the state
 * machine's Retry and Catch rules decide what happens next. Only a message that cannot
 * be read, a poll that cannot be re-sent, or a report that cannot be delivered, is thrown:
 * SQS redelivers it and after maxReceiveCount moves it to the dead-letter queue.
 */
async function handleVideoJob(record: SQSRecord, deps: VideoWorkerDeps): Promise<void> {
  const job = VideoJobSchema.parse(JSON.parse(record.body));
  const ref = { productionId: job.productionId, episodeId: job.episodeId, sceneId: job.sceneId };
  let progress: ClipProgress | undefined;
  let failure: Error | undefined;
  try {
    progress = await renderSceneClip(ref, deps, job.polls, job.cut);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    deps.logger.warn('video job failed', { scene: ref, error: failure.name, message: failure.message });
    await recordFailureCause(deps, ref, failure);
  }
  if (progress?.state === 'pending') {
    await pollLater(job, progress, deps);
    return;
  }
  const report = () =>
    progress
      ? deps.clients.sfn.send(
          new SendTaskSuccessCommand({ taskToken: job.taskToken, output: JSON.stringify(progress.output) }),
        )
      : deps.clients.sfn.send(
          new SendTaskFailureCommand({
            taskToken: job.taskToken,
            error: failure!.name,
            cause: failure!.message.slice(0, MAX_CAUSE_LENGTH),
          }),
        );
  try {
    await report();
  } catch (error) {
    if (isClosedToken(error)) {
      deps.logger.warn('the waiting task is already closed; dropping the report', {
        scene: ref,
        error: (error as Error).name,
      });
      return;
    }
    throw error;
  }
}

export async function processVideoJob(record: SQSRecord, deps: VideoWorkerDeps): Promise<void> {
  try {
    await handleVideoJob(record, deps);
  } catch (error) {
    if (Number(record.attributes?.ApproximateReceiveCount ?? 1) >= deps.settings.videoMaxReceiveCount) {
      await recordPoisonMessage(record, error, deps);
    }
    throw error;
  }
}
