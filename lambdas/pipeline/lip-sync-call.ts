import type { Bound } from '../core/contracts/bound-providers.js';
import type { SceneRef } from '../core/contracts/keys.js';
import {
  type AsyncLipSyncModel,
  type CameraMove,
  isAsyncLipSyncModel,
  type LipSyncModel,
  type LipSyncRequest,
  type LipSyncResult,
} from '../core/contracts/ports.js';
import { seedFrom, sha256 } from '../core/domain/content-hash.js';
import type { SceneRecord } from '../core/domain/production-model.js';
import type { Manifest } from '../core/manifest/schema.js';
import { estimateUsd } from '../core/pricing/estimates.js';
import { lipSyncCodec } from './codecs.js';
import { paidCall } from './paid-call.js';
import { advanceProviderJob } from './provider-job.js';
import type { SceneContext } from './scene-context.js';
import type { StageDeps } from './stage-deps.js';

/** What one scene's sync is made from: a clip, a voice and its lines by speaker, in the manifest's frame and mode. */
export interface LipSyncSource {
  manifest: Manifest & { lipSync: NonNullable<Manifest['lipSync']> };
  context: Pick<SceneContext, 'brief' | 'seed'>;
  /** The scene's row: the keyframe's seed the clip was drawn from. */
  record: Pick<SceneRecord, 'keyframeSeed'> | undefined;
  video: Buffer;
  videoKey: string;
  audio: Buffer;
  audioKey: string;
  language: string;
  voice: { durationSeconds: number; cues: { characterId: string; startSeconds: number; endSeconds: number }[] };
  keyframePng: Buffer;
  cameraMove?: CameraMove;
}

/** The request the master's sync and a dub's re-sync both send: the same shot, told the same way. */
export function lipSyncRequest(source: LipSyncSource): LipSyncRequest {
  const { manifest, context, voice } = source;
  const { width, height, fps } = manifest.format;
  return {
    video: source.video,
    audio: source.audio,
    videoKey: source.videoKey,
    audioKey: source.audioKey,
    language: source.language,
    syncMode: manifest.lipSync.mode,
    width,
    height,
    fps,
    durationSeconds: voice.durationSeconds,
    speech: voice.cues.map((cue) => ({
      characterId: cue.characterId,
      startSeconds: cue.startSeconds,
      endSeconds: cue.endSeconds,
    })),
    shot: {
      keyframePng: source.keyframePng,
      keyframe: {
        scene: context.brief,
        width,
        height,
        seed: source.record?.keyframeSeed ?? seedFrom(context.seed, 'keyframe', 1),
      },
      cameraMove: source.cameraMove,
    },
  };
}

export interface LipSyncCall {
  manifest: Manifest;
  lipSync: Bound<LipSyncModel | AsyncLipSyncModel>;
  scene: SceneRef;
  request: LipSyncRequest;
  /** Where on the scene's row a provider's job is recorded: the master's is `lip-sync`, a dub's its own. */
  jobSlot?: string;
  /** How long this invocation may poll a provider's job before it hands the polling to the Task's retry. */
  pollBudgetSeconds: number;
  /** The function's timeout: a claim to start a job older than this belongs to a worker that died. */
  claimLeaseSeconds: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * One clip's lips synced to a voice track, as a paid call (ledger stage `lip-sync`), cached by
 * the hashes of the clip, the voice and the keyframe plus the mode, the cues and the shot, so a
 * second run buys nothing. A synchronous model answers within the call; a provider's job is
 * started once, recorded on the scene's row and polled here, and one still running when the
 * budget is spent fails with ProviderTimeout, for the Task's retry to poll the same job.
 */
export async function buyLipSync(deps: StageDeps, call: LipSyncCall): Promise<{ result: LipSyncResult; usd: number }> {
  const { manifest, lipSync, request } = call;
  const paid = {
    productionId: manifest.production,
    priority: manifest.priority,
    stage: 'lip-sync',
    scene: call.scene,
    provider: lipSync.provider,
    model: lipSync.model,
    inputs: {
      video: sha256(request.video),
      audio: sha256(request.audio),
      keyframe: sha256(request.shot.keyframePng),
      language: request.language,
      syncMode: request.syncMode,
      speech: request.speech,
      shot: { ...request.shot.keyframe, cameraMove: request.shot.cameraMove },
    },
    estimateUsd: estimateUsd(lipSync, { lipSyncSeconds: Math.ceil(request.durationSeconds) }),
    codec: lipSyncCodec,
  };
  const port = lipSync.port;
  if (!isAsyncLipSyncModel(port)) {
    const { result, usd } = await paidCall(deps, { ...paid, call: (options) => port.syncLips(request, options) });
    return { result, usd };
  }
  const sleep = call.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const job = {
    ...paid,
    ...(call.jobSlot && { jobSlot: call.jobSlot }),
    pollIntervalSeconds: port.pollIntervalSeconds,
    maxPolls: Math.max(1, Math.floor(call.pollBudgetSeconds / port.pollIntervalSeconds)),
    claimLeaseSeconds: call.claimLeaseSeconds,
    start: (options: Parameters<typeof port.startSync>[1]) => port.startSync(request, options),
    poll: async (jobId: string) => {
      const status = await port.pollSync(jobId, request);
      return status.state === 'running' ? status : { state: 'succeeded' as const, result: status.synced };
    },
  };
  let progress = await advanceProviderJob(deps, job, 0);
  while (progress.state === 'pending') {
    await sleep(progress.delaySeconds * 1000);
    progress = await advanceProviderJob(deps, job, progress.polls);
  }
  return { result: progress.result, usd: progress.usd };
}
