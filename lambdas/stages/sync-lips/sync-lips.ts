import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderCameraMoveClip } from '../../adapters/media/camera-move.js';
import { withTempDir } from '../../adapters/media/ffmpeg.js';
import { assetKeys } from '../../core/contracts/keys.js';
import type { CameraMoveClip } from '../../core/contracts/ports.js';
import * as z from '../../core/contracts/zod-mini.js';
import type { StoredVoiceCues } from '../../core/domain/scene-artifacts.js';
import { CutSchema, manifestForCut } from '../../pipeline/cut.js';
import { buyLipSync, lipSyncRequest } from '../../pipeline/lip-sync-call.js';
import { SceneEventSchema } from '../../pipeline/scene-context.js';
import { beginSceneStage } from '../../pipeline/scene-stage.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { SYNC_LIPS_TIMEOUT_SECONDS } from './timeout.js';

/** The provider ports this stage uses: its handler declares them with their offline models. */
export type SyncLipsPorts = 'lipSync';

export const SyncLipsEventSchema = z.extend(SceneEventSchema, { cut: z.optional(CutSchema) });

/** Time kept back from the function's timeout for storing the clip and answering. */
const MARGIN_SECONDS = 90;

export interface SyncLipsOptions {
  /** How long this invocation may poll a provider's job before it hands the polling to the Task's retry. */
  pollBudgetSeconds?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The scene's clip with each speaking character's lips synced to the voice track, in the
 * manifest's mode (`fast` or `high_precision`). A synchronous model answers within the call;
 * a provider job (lambdas/pipeline/provider-job.ts) is started once, recorded on the scene's
 * row and polled here; if it is still running when this invocation's time is up, the call
 * fails with ProviderTimeout and the Task's retry polls the same job. The synced clip is stored
 * apart from the clip it was made from, so a retry syncs the same input (and finds it cached),
 * and the scene's row then names it as the scene's clip.
 */
export async function syncLips(
  event: z.output<typeof SyncLipsEventSchema>,
  deps: StageDeps<SyncLipsPorts>,
  options: SyncLipsOptions = {},
): Promise<void> {
  const context = await beginSceneStage(deps, event, 'LIP_SYNC');
  const { manifest } = context;
  const { lipSync } = await deps.providers(manifestForCut(manifest, event.cut));
  const cues = await deps.assets.getJson<StoredVoiceCues>(assetKeys.voiceCues(event));
  const before = await deps.productions.getScene(event.productionId, event.episodeId, event.sceneId);
  // What Generate video left: a camera move, or a provider's clip. A retry after a sync finds the synced clip
  // named, and syncs again the clip it came from, which the sync named beside it (a camera move has no clip.mp4).
  const named = before.assets?.clip;
  const clipKey =
    named === assetKeys.syncedClip(event)
      ? (before.assets?.syncedFrom ?? assetKeys.clip(event))
      : named === assetKeys.cameraMove(event)
        ? assetKeys.cameraMove(event)
        : assetKeys.clip(event);
  // A natively voiced clip was rendered speaking: its lips already move with its own audio.
  if (!manifest.lipSync || !lipSync || cues.cues.length === 0 || cues.native) {
    await deps.productions.updateScene(event, { assets: { clip: clipKey } });
    return;
  }
  const record = before;
  const { width, height, fps } = manifest.format;
  const [audio, keyframePng] = await Promise.all([
    deps.assets.getBytes(assetKeys.voice(event)),
    deps.assets.getBytes(`${assetKeys.keyframe(event)}.png`),
  ]);
  // The offline video model leaves a camera move for the episode's encode; lip-sync needs its frames, so it gets them losslessly.
  const plan =
    clipKey === assetKeys.cameraMove(event)
      ? await deps.assets.getJson<CameraMoveClip['cameraMove']>(assetKeys.cameraMove(event))
      : undefined;
  const video = plan
    ? await withTempDir(async (dir) => {
        const still = path.join(dir, 'keyframe.png');
        await writeFile(still, keyframePng);
        return renderCameraMoveClip({ still }, { move: plan.move, width, height, fps, frameCount: plan.frameCount });
      })
    : await deps.assets.getBytes(clipKey);
  const videoKey = plan ? assetKeys.syncInput(event) : clipKey;
  if (plan) await deps.assets.putBytes(videoKey, video, 'video/mp4');
  const request = lipSyncRequest({
    manifest: { ...manifest, lipSync: manifest.lipSync },
    context,
    record,
    video,
    videoKey,
    audio,
    audioKey: assetKeys.voice(event),
    language: manifest.language,
    voice: cues,
    keyframePng,
    cameraMove: plan?.move,
  });
  const { result: synced } = await buyLipSync(deps, {
    manifest,
    lipSync,
    scene: event,
    request,
    pollBudgetSeconds: options.pollBudgetSeconds ?? SYNC_LIPS_TIMEOUT_SECONDS - MARGIN_SECONDS,
    claimLeaseSeconds: SYNC_LIPS_TIMEOUT_SECONDS,
    ...(options.sleep && { sleep: options.sleep }),
  });
  const syncedKey = assetKeys.syncedClip(event);
  await deps.assets.putBytes(syncedKey, synced.mp4, 'video/mp4');
  await deps.productions.updateScene(event, { assets: { clip: syncedKey, syncedFrom: clipKey } });
}
