import { drawCover } from '../adapters/media/episode-cover.js';
import { assetKeys } from '../core/contracts/keys.js';
import type { Manifest, ManifestEpisode } from '../core/manifest/schema.js';
import type { CutScene } from './episode-cut.js';
import type { StageDeps } from './stage-deps.js';

/**
 * The scene an episode's cover shows: the one its manifest names (`cover`), else the scene
 * playing at the middle of the episode, whose keyframe is the one that scored best against
 * the reference sheets (the keyframe stage keeps the best of its attempts).
 */
export function coverScene(
  episode: Pick<ManifestEpisode, 'cover'>,
  scenes: { sceneId: string; durationSeconds: number }[],
): string {
  if (episode.cover && scenes.some((scene) => scene.sceneId === episode.cover)) return episode.cover;
  const middle = scenes.reduce((sum, scene) => sum + scene.durationSeconds, 0) / 2;
  let start = 0;
  for (const scene of scenes) {
    if (start + scene.durationSeconds >= middle) return scene.sceneId;
    start += scene.durationSeconds;
  }
  return scenes[0]!.sceneId;
}

/** Draws and stores `<stem>.cover.jpg` at the manifest's size, the title in the language's fonts; returns its file name. */
export async function writeCover(
  deps: StageDeps,
  input: {
    manifest: Manifest;
    episode: ManifestEpisode;
    stem: string;
    title: string;
    language: string;
    scenes: CutScene[];
  },
): Promise<string> {
  const { manifest, episode } = input;
  const sceneId = coverScene(
    episode,
    input.scenes.map((scene) => ({ sceneId: scene.scene.id, durationSeconds: scene.durationSeconds })),
  );
  const keyframePng = await deps.assets.getBytes(
    `${assetKeys.keyframe({ productionId: manifest.production, episodeId: episode.id, sceneId })}.png`,
  );
  const cover = await drawCover({
    keyframePng,
    title: input.title,
    language: input.language,
    width: manifest.format.width,
    height: manifest.format.height,
  });
  if (cover.leftOut.length > 0)
    deps.logger.warn('no font draws these graphemes of the title; they are left off the cover', {
      cover: input.stem,
      graphemes: cover.leftOut,
    });
  await deps.assets.putBytes(assetKeys.episode(manifest.production, input.stem, 'cover.jpg'), cover.jpeg, 'image/jpeg');
  return `${input.stem}.cover.jpg`;
}
