import { DEFAULT_SCENE_COUNT } from './limits.js';
import type { Manifest, ManifestEpisode, SeriesEpisode, SeriesManifest } from './schema.js';

// What a valid manifest says about its episodes and scenes, apart from the schema that validated it:
// a function that only reads a manifest the pipeline already checked builds no schema at cold start.

export const isDevelopedEpisode = (episode: SeriesEpisode): episode is ManifestEpisode => episode.scenes !== undefined;

/** Whether production can start: every episode has its scene cards. */
export const isDeveloped = (manifest: SeriesManifest): manifest is Manifest =>
  manifest.episodes.every(isDevelopedEpisode);

/** The episodes the development stage has to write, in the order they air. */
export const episodesToDevelop = (manifest: SeriesManifest): SeriesEpisode[] =>
  manifest.episodes.filter((episode) => !isDevelopedEpisode(episode));

/** The scenes an episode has, or will have once developed. */
export const plannedSceneCount = (episode: { scenes?: unknown[]; sceneCount?: number }): number =>
  episode.scenes?.length ?? episode.sceneCount ?? DEFAULT_SCENE_COUNT;

/** How many clips a scene buys to keep the best of: the scene's own setting, else the manifest's, else one. */
export const videoCandidates = (
  manifest: { video?: { candidates?: number } },
  scene: { video?: { candidates?: number } },
): number => scene.video?.candidates ?? manifest.video?.candidates ?? 1;
