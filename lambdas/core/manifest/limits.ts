/**
 * The manifest's limits, apart from its schema (which enforces them): a prompt that asks a model
 * for scene cards within them, or a quota that counts a production's scenes, builds no schema.
 */
export const MANIFEST_LIMITS = {
  characters: 50,
  episodes: 100,
  scenesPerEpisode: 60,
  dialogueLinesPerScene: 40,
  lineCharacters: 500,
  manifestBytes: 1024 * 1024,
  synopsisCharacters: 4000,
} as const;

/** How many scene cards the development stage writes for an episode that gives a synopsis and no sceneCount. */
export const DEFAULT_SCENE_COUNT = 4;

/** Every language dramaforge produces in but the master's could be a dub (core/text/languages.ts lists eleven). */
export const MAX_DUBS = 10;
