/** Every S3 key and DynamoDB key the pipeline writes, in one place (docs/data.md). */

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
  /** A provider's token bucket, shared by every function (lambdas/adapters/aws/token-bucket.ts). */
  rateLimitPk: (provider: string) => `RATELIMIT#${provider}`,
  rateLimitBucket: 'BUCKET',
  /** A provider model's shared slots (lambdas/adapters/aws/table-slots.ts): its clock, lanes, tickets and leases. */
  slotPoolPk: (pool: string) => `SLOTS#${pool}`,
  slotClock: 'CLOCK',
  slotLaneSk: (lane: string) => `LANE#${lane}`,
  /** Zero-padded, so a Query in key order lists the waiting tickets by start tag, then by arrival. */
  slotTicketSk: (startTag: number, ticketId: string) => `TICKET#${String(startTag).padStart(16, '0')}#${ticketId}`,
  slotTicketPrefix: 'TICKET#',
  slotLeaseSk: (slot: number) => `LEASE#${String(slot).padStart(4, '0')}`,
  slotLeasePrefix: 'LEASE#',
};

const productionRoot = (productionId: string) => `productions/${productionId}`;
const sceneRoot = ({ productionId, episodeId, sceneId }: SceneRef) =>
  `${productionRoot(productionId)}/scenes/${episodeId}/${sceneId}`;

/**
 * What an episode is delivered as: the MP4, its subtitles, the editor's exports with the voice stem
 * and music bed they place, its cover, and its platform package.
 */
export const EPISODE_FILE_EXTENSIONS = [
  'mp4',
  'srt',
  'vtt',
  'otio',
  'fcpxml',
  'voices.wav',
  'music.wav',
  'cover.jpg',
  'platform.json',
] as const;
export type EpisodeFileExtension = (typeof EPISODE_FILE_EXTENSIONS)[number];

/** A dub's files are the episode's with the language before the extension: `ep01.th-TH.mp4`; the master's keep their names. */
export const dubStem = (episodeId: string, language: string) => `${episodeId}.${language}`;

export const assetKeys = {
  manifestsPrefix: 'manifests/',
  cachePrefix: 'cache/',
  manifestErrors: (manifestKey: string) => `${manifestKey}.errors.json`,
  normalizedManifest: (productionId: string) => `${productionRoot(productionId)}/manifest.json`,
  referenceSheet: (productionId: string, characterId: string) =>
    `${productionRoot(productionId)}/characters/${characterId}/reference`,
  /** A character's voice, said once by the speech model, for a video model that takes a reference voice (native voice). */
  referenceVoice: (productionId: string, characterId: string) =>
    `${productionRoot(productionId)}/characters/${characterId}/reference-voice.wav`,
  script: (scene: SceneRef) => `${sceneRoot(scene)}/script.json`,
  keyframe: (scene: SceneRef) => `${sceneRoot(scene)}/keyframe`,
  voice: (scene: SceneRef) => `${sceneRoot(scene)}/voice.wav`,
  voiceCues: (scene: SceneRef) => `${sceneRoot(scene)}/voice-cues.json`,
  clip: (scene: SceneRef) => `${sceneRoot(scene)}/clip.mp4`,
  /** The offline model's clip: a camera move over the scene's keyframe, rendered by the episode's encode. */
  cameraMove: (scene: SceneRef) => `${sceneRoot(scene)}/camera-move.json`,
  /**
   * Each of a scene's video candidates (`video: { candidates: N }`), kept or passed over, numbered from 1: its clip
   * (`clip.mp4`, or the offline model's `camera-move.json`) and the middle frame it was scored on (`frame.png`).
   */
  candidateClip: (scene: SceneRef, candidate: number) => `${sceneRoot(scene)}/candidates/${candidate}/clip.mp4`,
  candidateCameraMove: (scene: SceneRef, candidate: number) =>
    `${sceneRoot(scene)}/candidates/${candidate}/camera-move.json`,
  candidateFrame: (scene: SceneRef, candidate: number) => `${sceneRoot(scene)}/candidates/${candidate}/frame.png`,
  /** A camera move rendered losslessly for lip-sync, which needs frames (and a provider fetches them by URL). */
  syncInput: (scene: SceneRef) => `${sceneRoot(scene)}/clip-for-lip-sync.mp4`,
  /** The clip with its lips synced to the voice track; the scene's row names it as its clip once made. */
  syncedClip: (scene: SceneRef) => `${sceneRoot(scene)}/clip-synced.mp4`,
  /** The scene's picture encoded once, its subtitles burned in, ready to be joined into the episode by stream copy. */
  sceneVideo: (scene: SceneRef) => `${sceneRoot(scene)}/scene-video.mp4`,
  /** What the scene's video was encoded from (its inputs hash), so an unchanged scene is not encoded again. */
  sceneVideoInputs: (scene: SceneRef) => `${sceneRoot(scene)}/scene-video.json`,
  sceneSubtitles: (scene: SceneRef, format: 'srt' | 'vtt') => `${sceneRoot(scene)}/subtitles.${format}`,
  /** `stem` is the episode's id for the master, `dubStem(...)` for a dub. */
  episode: (productionId: string, stem: string, extension: EpisodeFileExtension) =>
    `${productionRoot(productionId)}/episodes/${stem}.${extension}`,
  /** Facts about an assembled episode (its measured duration, the scenes in it) for the report. */
  episodeSummary: (productionId: string, episodeId: string) =>
    `${productionRoot(productionId)}/episodes/${episodeId}.json`,
  /** One scene's voice track in a dub's language, laid on the master's scene length. */
  dubVoice: (scene: SceneRef, language: string) => `${sceneRoot(scene)}/dub-${language}.wav`,
  /** The master's clip before its lips were synced, its last frame held as long as a dub's voice runs past it. */
  dubSyncInput: (scene: SceneRef, language: string) => `${sceneRoot(scene)}/clip-for-lip-sync-${language}.mp4`,
  /** A lip-synced scene's clip with its lips synced again, to a dub's voice. */
  dubSyncedClip: (scene: SceneRef, language: string) => `${sceneRoot(scene)}/clip-synced-${language}.mp4`,
  /** What a dub's voices are made of, per scene, and its title: what its cut is made from. */
  dubVoicing: (productionId: string, episodeId: string, language: string) =>
    `${productionRoot(productionId)}/dubs/${dubStem(episodeId, language)}.json`,
  /** Facts about one dub of an episode (its language, file, QA, loudness, cost) for the report. */
  dubSummary: (productionId: string, episodeId: string, language: string) =>
    `${productionRoot(productionId)}/episodes/${dubStem(episodeId, language)}.json`,
  /** An episode as the animatic a producer approved or rejected before paid video. */
  animatic: (productionId: string, episodeId: string) => `${productionRoot(productionId)}/animatic/${episodeId}.mp4`,
  storyboard: (productionId: string) => `${productionRoot(productionId)}/storyboard.png`,
  report: (productionId: string) => `${productionRoot(productionId)}/report.json`,
  /** An episode's developed scene cards and the running summary written after it. */
  development: (productionId: string, episodeId: string) =>
    `${productionRoot(productionId)}/development/${episodeId}.json`,
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
