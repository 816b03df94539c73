import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeScene, type ScenePicture, sceneFrameCount } from '../adapters/media/scene-encode.js';
import { MediaToolFailed } from '../core/contracts/errors.js';
import { assetKeys, type SceneRef, sceneLabel } from '../core/contracts/keys.js';
import type { CameraMoveClip } from '../core/contracts/ports.js';
import { sha256 } from '../core/domain/content-hash.js';
import type { Manifest } from '../core/manifest/schema.js';
import { resolveSubtitleStyle, subtitleOptionsFor } from '../core/text/subtitle-style.js';
import { type SubtitleCue, subtitlePages } from '../core/text/subtitles.js';
import type { StageDeps } from './stage-deps.js';

/**
 * Encodes one scene of a cut (encodeScene): its picture as its slot on the episode's frame grid,
 * with its own cues burned in the language's fonts, laid out as the episode's SRT lays them.
 */
export async function encodeScenePicture(
  deps: StageDeps,
  input: {
    manifest: Manifest;
    language: string;
    /** Names the scene in the log. */
    name: string;
    picture: ScenePicture;
    durationSeconds: number;
    /** From the start of the scene. */
    cues: SubtitleCue[];
    outputFile: string;
  },
): Promise<void> {
  const { manifest } = input;
  const subtitleLook = resolveSubtitleStyle(manifest.subtitles, manifest.format);
  const encoded = await encodeScene({
    picture: input.picture,
    frameCount: sceneFrameCount(input.durationSeconds, manifest.format.fps),
    subtitlePages: subtitlePages(input.cues, subtitleOptionsFor(subtitleLook)),
    subtitleLook,
    language: input.language,
    width: manifest.format.width,
    height: manifest.format.height,
    fps: manifest.format.fps,
    outputFile: input.outputFile,
  });
  if (encoded.subtitleGraphemesLeftOut.length > 0) {
    deps.logger.warn(
      'no subtitle font draws these graphemes; they are left out of the burned subtitles and kept in SRT and VTT',
      { scene: input.name, graphemes: encoded.subtitleGraphemesLeftOut },
    );
  }
}

/**
 * The scene's picture as its video and lip-sync stages left it (the scene's row names the clip):
 * an MP4 (a provider's, or the lip-synced clip), or a camera move whose still is the scene's keyframe, checked against
 * the one the move was planned over.
 */
export async function scenePicture(
  deps: StageDeps,
  ref: SceneRef,
  clipKey: string | undefined,
  workDir: string,
): Promise<ScenePicture> {
  if (clipKey === assetKeys.cameraMove(ref)) {
    const [plan, keyframe] = await Promise.all([
      deps.assets.getJson<CameraMoveClip['cameraMove']>(clipKey),
      deps.assets.getBytes(`${assetKeys.keyframe(ref)}.png`),
    ]);
    if (sha256(keyframe) !== plan.keyframeSha256) {
      throw new MediaToolFailed(
        `the keyframe of ${sceneLabel(ref)} is not the one its camera move was planned over; render its video again`,
      );
    }
    const keyframeFile = path.join(workDir, `${ref.sceneId}.png`);
    await writeFile(keyframeFile, keyframe);
    return { cameraMove: { keyframeFile, move: plan.move } };
  }
  const clipFile = path.join(workDir, `${ref.sceneId}.mp4`);
  await writeFile(clipFile, await deps.assets.getBytes(clipKey ?? assetKeys.clip(ref)));
  return { clipFile };
}
