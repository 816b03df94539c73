import { PRODUCTION_TABLE } from './table-definition.js';

/** Every S3 key and DynamoDB key the pipeline writes, in one place (DESIGN.md section 5). */

export interface SceneRef {
  productionId: string;
  episodeId: string;
  sceneId: string;
}

export const tableKeys = {
  productionPk: (productionId: string) => `PRODUCTION#${productionId}`,
  meta: 'META',
  sceneSk: (episodeId: string, sceneId: string) => `SCENE#${episodeId}#${sceneId}`,
  scenePrefix: 'SCENE#',
  costSk: (idempotencyKey: string) => `COST#${idempotencyKey}`,
  costPrefix: 'COST#',
  statusIndexPk: (status: string) => `STATUS#${status}`,
};

export const STATUS_INDEX_NAME = PRODUCTION_TABLE.statusIndex.name;

const productionRoot = (productionId: string) => `productions/${productionId}`;
const sceneRoot = ({ productionId, episodeId, sceneId }: SceneRef) => `${productionRoot(productionId)}/scenes/${episodeId}/${sceneId}`;

/** What an episode is delivered as: the MP4, its subtitles, and the editor's exports with the voice stem they place. */
export const EPISODE_FILE_EXTENSIONS = ['mp4', 'srt', 'vtt', 'otio', 'fcpxml', 'voices.wav', 'music.wav'] as const;
export type EpisodeFileExtension = (typeof EPISODE_FILE_EXTENSIONS)[number];

export const assetKeys = {
  manifestsPrefix: 'manifests/',
  cachePrefix: 'cache/',
  manifestErrors: (manifestKey: string) => `${manifestKey}.errors.json`,
  normalizedManifest: (productionId: string) => `${productionRoot(productionId)}/manifest.json`,
  referenceSheet: (productionId: string, characterId: string) => `${productionRoot(productionId)}/characters/${characterId}/reference`,
  script: (scene: SceneRef) => `${sceneRoot(scene)}/script.json`,
  keyframe: (scene: SceneRef) => `${sceneRoot(scene)}/keyframe`,
  voice: (scene: SceneRef) => `${sceneRoot(scene)}/voice.wav`,
  voiceCues: (scene: SceneRef) => `${sceneRoot(scene)}/voice-cues.json`,
  clip: (scene: SceneRef) => `${sceneRoot(scene)}/clip.mp4`,
  /** The offline model's clip: a camera move over the scene's keyframe, rendered by the episode's encode. */
  cameraMove: (scene: SceneRef) => `${sceneRoot(scene)}/camera-move.json`,
  /** A camera move rendered losslessly for lip-sync, which needs frames (and a provider fetches them by URL). */
  syncInput: (scene: SceneRef) => `${sceneRoot(scene)}/clip-for-lip-sync.mp4`,
  /** The clip with its lips synced to the voice track; the scene's row names it as its clip once made. */
  syncedClip: (scene: SceneRef) => `${sceneRoot(scene)}/clip-synced.mp4`,
  sceneSubtitles: (scene: SceneRef, format: 'srt' | 'vtt') => `${sceneRoot(scene)}/subtitles.${format}`,
  episode: (productionId: string, episodeId: string, extension: EpisodeFileExtension) =>
    `${productionRoot(productionId)}/episodes/${episodeId}.${extension}`,
  /** Facts about an assembled episode (its measured duration, the scenes in it) for the report. */
  episodeSummary: (productionId: string, episodeId: string) => `${productionRoot(productionId)}/episodes/${episodeId}.json`,
  /** An episode as the animatic a producer approved or rejected before paid video. */
  animatic: (productionId: string, episodeId: string) => `${productionRoot(productionId)}/animatic/${episodeId}.mp4`,
  storyboard: (productionId: string) => `${productionRoot(productionId)}/storyboard.png`,
  report: (productionId: string) => `${productionRoot(productionId)}/report.json`,
  /** An episode's developed scene cards and the running summary written after it. */
  development: (productionId: string, episodeId: string) => `${productionRoot(productionId)}/development/${episodeId}.json`,
  cacheEntry: (hash: string) => `cache/${hash}`,
};

/**
 * Scene intermediates (keyframes, voice tracks, clips, scene subtitles) are re-made from
 * cache/ by any later run, so the bucket may expire them; they are tagged on write
 * because a lifecycle rule cannot select `productions/<id>/scenes/` by prefix alone.
 */
export const INTERMEDIATE_TAG = { key: 'dramaforge-lifecycle', value: 'intermediate' } as const;

export function isSceneIntermediate(key: string): boolean {
  return /^productions\/[^/]+\/scenes\//.test(key);
}

export function sceneLabel(scene: { episodeId: string; sceneId: string }): string {
  return `${scene.episodeId}/${scene.sceneId}`;
}
