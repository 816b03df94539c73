import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { assetKeys, type SceneRef, sceneLabel } from '../../core/contracts/keys.js';
import type * as z from '../../core/contracts/zod-mini.js';
import { contentHash } from '../../core/domain/content-hash.js';
import type { StoredVoiceCues } from '../../core/domain/scene-artifacts.js';
import type { Manifest } from '../../core/manifest/schema.js';
import { resolveSubtitleStyle, subtitleOptionsFor } from '../../core/text/subtitle-style.js';
import { toSrt, toVtt } from '../../core/text/subtitles.js';
import { type SceneEventSchema, sceneContext } from '../../pipeline/scene-context.js';
import { encodeScenePicture, scenePicture } from '../../pipeline/scene-picture.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';

/** Part of the inputs hash: a change to how a scene is encoded is a new scene video. */
const SCENE_ENCODE_VERSION = 'x264-veryfast-crf21-yuv420p-burned-subtitles-v1';

interface SceneVideoInputs {
  inputsHash: string;
}

/**
 * The scene's subtitles and its picture, as soon as its parts are ready. SRT and VTT are timed
 * from the voice track's measured cues, their lines broken as the burned ones are; the picture
 * (its clip or camera move, as long as the voice track) is encoded once with those cues burned
 * in, and the episode's assembly joins the scenes' videos without encoding them again. An
 * unchanged scene keeps its video.
 */
export async function encodeSceneStage(
  event: z.output<typeof SceneEventSchema>,
  deps: StageDeps,
): Promise<{ encoded: boolean }> {
  const manifest = await deps.loadManifest(event.productionId);
  sceneContext(manifest, event);
  const record = await deps.productions.updateScene(event, { status: 'ENCODING' });
  const timing = await deps.assets.getJson<StoredVoiceCues>(assetKeys.voiceCues(event));
  const clipKey = record?.assets?.clip ?? assetKeys.clip(event);
  const cues = timing.cues.map((cue) => ({
    startSeconds: cue.startSeconds,
    endSeconds: cue.endSeconds,
    text: cue.text,
    speaker: cue.speaker,
  }));
  const layout = subtitleOptionsFor(resolveSubtitleStyle(manifest.subtitles, manifest.format));
  await deps.assets.putBytes(assetKeys.sceneSubtitles(event, 'srt'), toSrt(cues, layout), 'application/x-subrip');
  await deps.assets.putBytes(assetKeys.sceneSubtitles(event, 'vtt'), toVtt(cues, layout), 'text/vtt');

  const inputsHash = await sceneVideoInputsHash(deps, manifest, event, clipKey);
  const previous = await deps.assets.findJson<SceneVideoInputs>(assetKeys.sceneVideoInputs(event));
  const encoded = previous?.inputsHash !== inputsHash || !(await deps.assets.exists(assetKeys.sceneVideo(event)));
  if (encoded) {
    const workDir = await mkdtemp(path.join(os.tmpdir(), `dramaforge-${event.sceneId}-`));
    try {
      const outputFile = path.join(workDir, 'scene-video.mp4');
      await encodeScenePicture(deps, {
        manifest,
        language: manifest.language,
        name: sceneLabel(event),
        picture: await scenePicture(deps, event, clipKey, workDir),
        durationSeconds: timing.durationSeconds,
        cues,
        outputFile,
      });
      await deps.assets.putBytes(assetKeys.sceneVideo(event), await readFile(outputFile), 'video/mp4');
      await deps.assets.putJson(assetKeys.sceneVideoInputs(event), { inputsHash } satisfies SceneVideoInputs);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  } else {
    deps.logger.info('scene inputs unchanged; keeping its encoded video', { scene: sceneLabel(event) });
  }
  await deps.productions.updateScene(event, {
    assets: {
      srt: assetKeys.sceneSubtitles(event, 'srt'),
      vtt: assetKeys.sceneSubtitles(event, 'vtt'),
      video: assetKeys.sceneVideo(event),
    },
  });
  return { encoded };
}

/**
 * What the scene's video is made of: its clip (by ETag, a content hash), the keyframe a camera
 * move is rendered from, the voice cues that time it and are burned into it, and the format,
 * language and subtitle style it is drawn in.
 */
async function sceneVideoInputsHash(deps: StageDeps, manifest: Manifest, ref: SceneRef, clipKey: string) {
  const cameraMove = clipKey === assetKeys.cameraMove(ref);
  return contentHash({
    clip: await deps.assets.etag(clipKey),
    ...(cameraMove ? { keyframe: await deps.assets.etag(`${assetKeys.keyframe(ref)}.png`) } : {}),
    cues: await deps.assets.etag(assetKeys.voiceCues(ref)),
    format: manifest.format,
    language: manifest.language,
    subtitles: manifest.subtitles ?? null,
    encode: SCENE_ENCODE_VERSION,
  });
}
