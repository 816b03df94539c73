import { holdLastFrame } from '../../adapters/media/clip-hold.js';
import type { Bound } from '../../core/contracts/bound-providers.js';
import { assetKeys, type SceneRef } from '../../core/contracts/keys.js';
import type { AsyncLipSyncModel, CameraMoveClip, LipSyncModel } from '../../core/contracts/ports.js';
import type { SceneRecord } from '../../core/domain/production-model.js';
import type { StoredDubVoicing } from '../../core/domain/scene-artifacts.js';
import type { Manifest } from '../../core/manifest/schema.js';
import { buyLipSync, lipSyncRequest } from '../../pipeline/lip-sync-call.js';
import { sceneContext } from '../../pipeline/scene-context.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { DUB_EPISODE_TIMEOUT_SECONDS } from './timeout.js';

/** How long the re-sync may poll a provider's job: the rest of the invocation is the cut's. */
const RESYNC_POLL_SECONDS = 420;

export interface LipResync {
  manifest: Manifest;
  lipSync: Bound<LipSyncModel | AsyncLipSyncModel> | undefined;
  language: string;
  ref: SceneRef;
  /** The scene's row: its clip says whether the master synced its lips. */
  record: SceneRecord | undefined;
  voiced: StoredDubVoicing['scenes'][number];
  voiceWav: Buffer;
  sleep?: (ms: number) => Promise<void>;
}

/** Whether the master's cut of the scene has its lips synced to the master's voice, so a dub must sync them again. */
export function hadLipSync(input: Pick<LipResync, 'manifest' | 'lipSync' | 'ref' | 'record' | 'voiced'>): boolean {
  return (
    input.manifest.lipSync !== undefined &&
    input.lipSync !== undefined &&
    input.record?.assets?.clip === assetKeys.syncedClip(input.ref) &&
    input.voiced.cues.length > 0
  );
}

/**
 * A lip-synced scene's clip with its lips synced again, to the dub's voice: the clip the master
 * synced (before its lips were), its last frame held for as long as the dub holds the scene, so
 * the picture is as long as the dubbed voice, through the master's lip-sync port and mode. A
 * paid call like the master's sync (`lip-sync` in the ledger), cached by its inputs: a second run
 * buys nothing. Stored as `clip-synced-<lang>.mp4`; undefined for a scene the master did not sync.
 */
export async function resyncLips(
  deps: StageDeps,
  input: LipResync,
): Promise<{ clipKey: string; usd: number } | undefined> {
  const { manifest, lipSync, language, ref, record, voiced } = input;
  if (!hadLipSync(input) || !lipSync || !manifest.lipSync) return undefined;
  const { fps } = manifest.format;
  // Sync lips stored the frames it synced when the master's picture was a camera move; otherwise they are the provider's clip.
  const cameraMoved = await deps.assets.exists(assetKeys.syncInput(ref));
  const masterVideoKey = cameraMoved ? assetKeys.syncInput(ref) : assetKeys.clip(ref);
  const [masterVideo, keyframePng, plan] = await Promise.all([
    deps.assets.getBytes(masterVideoKey),
    deps.assets.getBytes(`${assetKeys.keyframe(ref)}.png`),
    cameraMoved ? deps.assets.getJson<CameraMoveClip['cameraMove']>(assetKeys.cameraMove(ref)) : undefined,
  ]);
  let video = masterVideo;
  let videoKey = masterVideoKey;
  if (voiced.holdSeconds > 0) {
    video = await holdLastFrame(masterVideo, voiced.holdSeconds, fps);
    videoKey = assetKeys.dubSyncInput(ref, language);
    await deps.assets.putBytes(videoKey, video, 'video/mp4');
  }
  const request = lipSyncRequest({
    manifest: { ...manifest, lipSync: manifest.lipSync },
    context: sceneContext(manifest, ref),
    record,
    video,
    videoKey,
    audio: input.voiceWav,
    audioKey: assetKeys.dubVoice(ref, language),
    language,
    voice: voiced,
    keyframePng,
    cameraMove: plan?.move,
  });
  const { result, usd } = await buyLipSync(deps, {
    manifest,
    lipSync,
    scene: ref,
    request,
    jobSlot: `lip-sync-${language}`,
    pollBudgetSeconds: RESYNC_POLL_SECONDS,
    claimLeaseSeconds: DUB_EPISODE_TIMEOUT_SECONDS,
    ...(input.sleep && { sleep: input.sleep }),
  });
  const clipKey = assetKeys.dubSyncedClip(ref, language);
  await deps.assets.putBytes(clipKey, result.mp4, 'video/mp4');
  return { clipKey, usd };
}
