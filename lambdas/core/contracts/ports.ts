/**
 * The provider ports every stage talks to. A profile (offline, openai-compatible,
 * bedrock) implements them; the stages never know which one they hold.
 *
 * Every call returns what the provider reported it consumed, so the ledger can
 * price it from usage rather than from an estimate.
 */

export interface Usage {
  inputTokens?: number;
  /** Image tokens read as input (priced apart from text tokens by image models such as gpt-image-1). */
  inputImageTokens?: number;
  outputTokens?: number;
  images?: number;
  videoSeconds?: number;
  speechCharacters?: number;
  /** Seconds of audio a transcription model was sent, as it bills them (whole seconds). */
  transcribedAudioSeconds?: number;
  /** Seconds of video a lip-sync model re-rendered. */
  lipSyncSeconds?: number;
  /** Seconds of music a music model composed. */
  musicSeconds?: number;
}

/** One billed provider call: who served it and what it consumed. */
export interface Charge {
  provider: string;
  model: string;
  usage: Usage;
}

/** One thing mended in a model's structured answer; report.json lists them (`development[].repairs`, `script.repairs`). */
export interface Repair {
  /** Where in the answer, as a dotted path (`scenes.1.id`); `(answer)` for the whole of it. */
  path: string;
  /** What was wrong and what it became. */
  repaired: string;
  /** `pipeline`: decided here, nothing bought. `model`: named in a repair prompt and answered by the model. */
  by: 'pipeline' | 'model';
}

export interface Metered<T> extends Charge {
  result: T;
  /**
   * Calls billed on the way to this result that did not produce it (a draft whose
   * output failed validation before a higher tier answered). Their cost is part of
   * this call's cost.
   */
  earlierCharges?: Charge[];
}

/**
 * What stands between a provider adapter and its API (resilience: rate limit, retry,
 * breaker, timeout). Adapters call through it; composition decides what it does.
 */
export interface ProviderCallGuard {
  readonly provider: string;
  /**
   * `lookUp` asks the provider for a request an earlier attempt sent and got no answer to (by its idempotency
   * key): where the provider has it, its answer is the call's and nothing is sent again.
   */
  run<T>(
    call: (signal: AbortSignal) => Promise<T>,
    attempts?: AttemptLedger,
    lookUp?: EarlierRequestLookup<T>,
  ): Promise<T>;
}

/**
 * Finds the request a call's earlier attempts sent under its idempotency key, sent no earlier than `sentSince`:
 * the answer the provider would have given it, or undefined when the provider has no such request.
 */
export type EarlierRequestLookup<T> = (signal: AbortSignal, sentSince: Date) => Promise<T | undefined>;

/**
 * Told of every attempt a guard sends and of each that fails, so each attempt is its own ledger
 * row: a provider that ignores the idempotency key bills every attempt, and the ledger must show
 * each one.
 */
export interface AttemptLedger {
  /** Before an attempt is sent: hold the budget for it (throws BudgetExceeded when it does not fit). */
  beforeAttempt(): Promise<void>;
  /** An attempt that failed: its hold closed as the failure says (released, or unconfirmed when no answer came). */
  failed(error: unknown): Promise<void>;
  /**
   * When an earlier attempt of this call, under the idempotency key the next one sends, got no answer: when the
   * first such attempt was held (it was sent no earlier). The provider may have that request already.
   */
  unansweredSince(): Date | undefined;
  /**
   * The provider had the request of the earlier attempts that got no answer: the first one's row takes the answer,
   * and the others' rows, and the hold of the attempt not sent, are released (a provider that can be asked keeps
   * one request per key, so they bought nothing more).
   */
  foundEarlier(): Promise<void>;
  /**
   * The provider has none of those requests: their rows are released, as bought nothing (a provider that can be
   * asked keeps one request per key, so one of them arriving late is the request the next attempt sends).
   */
  noneEarlier(): Promise<void>;
}

/** Per-call options every port method accepts. */
export interface CallOptions {
  /** Derived from the call's inputs; sent as the provider's idempotency key where it has one. */
  idempotencyKey?: string;
  /** Set by the router for the one retry after a content-filter refusal: soften the prompt. */
  contentRewrite?: boolean;
  /** The paid call's ledger, handed to the guard so each attempt it sends is recorded. */
  attempts?: AttemptLedger;
}

export interface VoiceSettings {
  gender?: 'female' | 'male' | 'neutral';
  /** 1.0 is the voice's natural pitch. */
  pitch?: number;
  /** 1.0 is the voice's natural speaking rate. */
  rate?: number;
}

export interface CharacterBrief {
  id: string;
  name: string;
  description: string;
  voice?: VoiceSettings;
  /** False for a character that must not be given lines (an animal, core/domain/creatures.ts); absent means it speaks. */
  speaks?: boolean;
}

export interface DialogueLine {
  character: string;
  line: string;
}

export interface SceneBrief {
  episodeId: string;
  sceneId: string;
  /** 0-based position of the scene in its episode. */
  index: number;
  location: string;
  outline: string;
  mood?: string;
  /** The shot: framing and movement. */
  camera?: string;
  /** The series' visual style, handed to every image and video prompt. */
  style?: string;
  characters: CharacterBrief[];
}

/** What was said before a scene in its episode: the story its dialogue carries on from. */
export interface EpisodeContinuity {
  synopsis?: string;
  /** The outlines of earlier scenes whose lines no longer fit, oldest first. */
  summary?: string;
  /** The lines of the scenes just before this one, verbatim, oldest first. */
  spokenBefore: { sceneId: string; lines: DialogueLine[] }[];
}

export interface SceneScriptRequest {
  language: string;
  title: string;
  scene: SceneBrief;
  seed: number;
  /** Absent for an episode's first scene when its episode has no synopsis. */
  episode?: EpisodeContinuity;
}

export interface SceneScript {
  lines: DialogueLine[];
  /** What was mended in the model's answer before it was kept (core/prompts/answer-repair.ts); absent when nothing was. */
  repairs?: Repair[];
}

/**
 * What an episode is listed with on a short-video platform: written from the series' logline and
 * genre and the episode's synopsis (or, for an episode without one, its scenes' outlines).
 */
export interface EpisodeListingRequest {
  /** The language to write in, a canonical tag (core/text/languages.ts). */
  language: string;
  series: { title: string; logline?: string; genre?: string };
  episode: { id: string; title: string; synopsis?: string; scenes: { outline: string; mood?: string }[] };
  seed: number;
}

/** An episode's description and hashtags (each with its `#`), in one language. */
export interface EpisodeListing {
  description: string;
  hashtags: string[];
  /** What was mended in the model's answer before it was kept (core/prompts/answer-repair.ts); absent when nothing was. */
  repairs?: Repair[];
}

export interface TextModel {
  writeScene(request: SceneScriptRequest, options?: CallOptions): Promise<Metered<SceneScript>>;
  /** The episode's platform description and hashtags (the script model again, priced and cached as a script call). */
  writeListing(request: EpisodeListingRequest, options?: CallOptions): Promise<Metered<EpisodeListing>>;
}

/**
 * One line of a finished scene to say in another language (a dub), in the time the master's
 * voice took for it: the translator sees the scene, the speaker and the lines around it.
 */
export interface LineTranslationRequest {
  /** The master's language and the dub's, canonical tags (core/text/languages.ts). */
  from: string;
  to: string;
  scene: SceneBrief;
  speaker: CharacterBrief;
  /** The scene's lines in the master's language, in order; the one to translate is at `index`. */
  sceneLines: DialogueLine[];
  index: number;
  /** Seconds the master's voice took for the line: the length budget of the dubbed line. */
  budgetSeconds: number;
  seed: number;
  /** Present when the line is asked again, shorter: the first answer and how long it was spoken. */
  tooLong?: { line: string; seconds: number };
}

export interface LineTranslation {
  line: string;
  /** What was mended in the answer before it was kept (report.json's dub `repairs`). */
  repairs?: Repair[];
}

/** An episode's title for a dub's cover. */
export interface TitleTranslationRequest {
  from: string;
  to: string;
  title: string;
  /** The episode's first scene: what the title is of. */
  scene: SceneBrief;
  seed: number;
}

/** The master's platform listing to say in a dub's language, with what it was written from. */
export interface ListingTranslationRequest {
  from: string;
  to: string;
  /** The master's listing: its description and hashtags. */
  listing: Pick<EpisodeListing, 'description' | 'hashtags'>;
  /** The series' genre, which the hashtags come from. */
  genre?: string;
  /** The episode's title, already in the dub's language. */
  title: string;
  /** The episode's first scene: its mood sets the offline stand-in's phrasing. */
  scene: SceneBrief;
  seed: number;
}

/** The script model again, saying a master line, an episode's title or its listing in a dub's language (the script stage's route). */
export interface LineTranslator {
  translateLine(request: LineTranslationRequest, options?: CallOptions): Promise<Metered<LineTranslation>>;
  translateTitle(request: TitleTranslationRequest, options?: CallOptions): Promise<Metered<LineTranslation>>;
  translateListing(request: ListingTranslationRequest, options?: CallOptions): Promise<Metered<EpisodeListing>>;
}

/** Pixel box, origin top-left. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface RenderedImage {
  png: Buffer;
  width: number;
  height: number;
  /**
   * Where each character stands in the image, keyed by character id. Empty when the
   * model does not say (every real image model): scorers then compare whole images.
   */
  regions: Record<string, Box>;
}

export interface ReferenceSheetRequest {
  character: CharacterBrief;
  /** The series' visual style. */
  style?: string;
  seed: number;
}

export interface KeyframeRequest {
  scene: SceneBrief;
  width: number;
  height: number;
  seed: number;
  /** Reference sheet PNG per character id, for models that condition on them. */
  references: Record<string, Buffer>;
}

export interface ImageModel {
  drawReferenceSheet(request: ReferenceSheetRequest, options?: CallOptions): Promise<Metered<RenderedImage>>;
  drawKeyframe(request: KeyframeRequest, options?: CallOptions): Promise<Metered<RenderedImage>>;
}

export interface ConsistencyRequest {
  keyframe: RenderedImage;
  characterId: string;
  reference: RenderedImage;
}

/**
 * The offline pixel scorer's threshold. Calibrated on the storyboard painter over 24 scenes: clean keyframes of the right
 * character mostly score 0.6-0.92, another character's crop 0.11-0.5 (a figure lost in
 * deep shadow can resemble a character dressed in black), and a character in deep
 * shadow, behind a pillar or a passer-by scores 0.23-0.5.
 */
export const DEFAULT_CONSISTENCY_THRESHOLD = 0.58;

/** Scores how much a character in a keyframe looks like its reference sheet, 0..1. */
export interface ConsistencyScorer {
  /**
   * The score a frame must reach when the environment sets no CONSISTENCY_THRESHOLD:
   * each scorer has its own scale. Absent means the offline pixel scorer's threshold.
   */
  readonly defaultThreshold?: number;
  score(request: ConsistencyRequest, options?: CallOptions): Promise<Metered<ConsistencyVerdict>>;
}

/** A scorer's verdict on one character in one frame. */
export interface ConsistencyVerdict {
  score: number;
  /** What was mended in a judge model's answer (core/prompts/answer-repair.ts); absent when nothing was. */
  repairs?: Repair[];
}

export interface SpeechRequest {
  text: string;
  language: string;
  characterId: string;
  voice: VoiceSettings;
}

/** When a word is spoken, in seconds from the start of its line's audio. */
export interface TimedWord {
  text: string;
  startSeconds: number;
  endSeconds: number;
}

export interface SpeechResult {
  /** RIFF WAVE, PCM signed 16-bit. */
  wav: Buffer;
  durationSeconds: number;
  /** Word timings, from models that report them (Polly's speech marks); the subtitle cue then spans the words, not the whole audio. */
  words?: TimedWord[];
}

export interface SpeechModel {
  speak(request: SpeechRequest, options?: CallOptions): Promise<Metered<SpeechResult>>;
}

export interface TranscriptionRequest {
  /** One line's synthesized audio, RIFF WAVE. */
  wav: Buffer;
  durationSeconds: number;
  /** What the line says, as a prompt that keeps the transcript's spelling close to the script's. */
  text: string;
  language: string;
}

/** Times the words of a line's audio by listening to it: subtitle timing for speech models that report none. */
export interface SpeechTranscriber {
  transcribe(request: TranscriptionRequest, options?: CallOptions): Promise<Metered<TimedWord[]>>;
}

/** A speaker of a natively voiced scene: how the voice sounds, and its reference voice for a model that takes one. */
export interface ClipSpeaker {
  characterId: string;
  name: string;
  /** Gender, age, timbre and pace, in words (also in the prompt). */
  voice: string;
  /** RIFF WAVE: the character's voice said once by the speech model; only for a model that takes a reference voice. */
  referenceVoiceWav?: Buffer;
}

/** The lines a natively voiced clip speaks, in order (the prompt carries them too). */
export interface ClipDialogue {
  lines: { characterId: string; text: string }[];
  speakers: ClipSpeaker[];
}

export interface ClipRequest {
  keyframePng: Buffer;
  width: number;
  height: number;
  fps: number;
  durationSeconds: number;
  seed: number;
  prompt: string;
  /** Present for a natively voiced scene: the model speaks these lines in the clip. */
  dialogue?: ClipDialogue;
}

/**
 * Frames a provider rendered: an MP4 (H.264), used as delivered; the episode's encode fits it to the scene.
 * Its audio track, if any, is not mixed: a natively voiced scene's speech is taken from it as the scene's voice track.
 */
export interface RenderedClip {
  mp4: Buffer;
}

export type CameraMove = 'zoom-in' | 'zoom-out' | 'pan-left' | 'pan-right' | 'pan-up' | 'pan-down';

export const CAMERA_MOVES: readonly CameraMove[] = [
  'zoom-in',
  'zoom-out',
  'pan-left',
  'pan-right',
  'pan-up',
  'pan-down',
];

/**
 * A camera move over the scene's keyframe, rendered by the episode's encode itself: the
 * offline animatic's frames are then encoded once, in the final codec, and never as a clip
 * first. `keyframeSha256` names the keyframe the move is over.
 */
export interface CameraMoveClip {
  cameraMove: { move: CameraMove; frameCount: number; keyframeSha256: string };
}

export type ClipResult = RenderedClip | CameraMoveClip;

export function isCameraMoveClip(clip: ClipResult): clip is CameraMoveClip {
  return 'cameraMove' in clip;
}

/** A video model that renders within one call. */
export interface VideoModel {
  renderClip(request: ClipRequest, options?: CallOptions): Promise<Metered<ClipResult>>;
}

export type ClipJobStatus = { state: 'running' } | { state: 'succeeded'; clip: Metered<RenderedClip> };

/**
 * A video model that works as a job: start it, then ask again later. The video
 * worker polls by re-sending its queue message with a delay, so no Lambda waits.
 */
export interface AsyncVideoModel {
  /** Seconds between polls; the job is abandoned after `maxPolls` of them. */
  readonly pollIntervalSeconds: number;
  readonly maxPolls: number;
  startClip(request: ClipRequest, options?: CallOptions): Promise<{ jobId: string }>;
  /** Throws a Provider* error when the job failed. */
  pollClip(jobId: string, request: ClipRequest): Promise<ClipJobStatus>;
}

export function isAsyncVideoModel(model: VideoModel | AsyncVideoModel): model is AsyncVideoModel {
  return 'startClip' in model;
}

/** A scene card as the development stage writes it: what a manifest's scene holds, every field filled. */
export interface SceneCard {
  id: string;
  location: string;
  characters: string[];
  outline: string;
  mood: string;
  camera: string;
  dialogue: DialogueLine[];
}

export interface SeriesBrief {
  title: string;
  logline?: string;
  genre?: string;
  style?: string;
  /** The places the bible names; developed scenes are set there. */
  locations: string[];
}

export interface DevelopmentCharacter {
  id: string;
  name: string;
  description: string;
  arc?: string;
  voice?: VoiceSettings;
  /** False for a character that must not be given lines (an animal, core/domain/creatures.ts); absent means it speaks. */
  speaks?: boolean;
}

/** One part of one episode to develop: the bible, the story so far, and the cards this part must write. */
export interface EpisodeDevelopmentRequest {
  language: string;
  seed: number;
  series: SeriesBrief;
  characters: DevelopmentCharacter[];
  episode: {
    id: string;
    title: string;
    synopsis: string /** 0-based position in the season. */;
    index: number;
    episodeCount: number;
    sceneCount: number;
  };
  /** The running summaries written after each earlier episode, oldest first. */
  storySoFar: { episodeId: string; title: string; summary: string }[];
  part: { index: number; count: number; sceneIds: string[] };
  /** The cards of the part before this one, for the story to carry on from. */
  previousCards: SceneCard[];
}

export interface DevelopedPart {
  scenes: SceneCard[];
  /** The story of the episode so far, through the end of this part, in a few sentences. */
  summary: string;
  /** What was mended in the model's answer before it was kept (core/prompts/answer-repair.ts); absent when nothing was. */
  repairs?: Repair[];
}

/** A text model that turns an episode's synopsis into scene cards. */
export interface EpisodeDeveloper {
  developPart(request: EpisodeDevelopmentRequest, options?: CallOptions): Promise<Metered<DevelopedPart>>;
}

/** The source notes' two lip-sync modes: a cheaper `fast` pass, or `high_precision`. */
export const LIP_SYNC_MODES = ['fast', 'high_precision'] as const;
export type LipSyncMode = (typeof LIP_SYNC_MODES)[number];

/** When one character speaks, in seconds from the start of the scene's voice track. */
export interface SpokenLine {
  characterId: string;
  startSeconds: number;
  endSeconds: number;
}

/**
 * How the scene's shot was made: what a model that redraws the shot (the offline painter)
 * needs. Real lip-sync models work from the video and the audio alone.
 */
export interface LipSyncShot {
  /** The keyframe the clip was made from, and the request that drew it. */
  keyframePng: Buffer;
  keyframe: { scene: SceneBrief; width: number; height: number; seed: number };
  /** The camera move the offline video model planned the clip as; absent when a provider rendered the clip. */
  cameraMove?: CameraMove;
}

export interface LipSyncRequest {
  /** The scene's clip: MP4, H.264, no audio track. */
  video: Buffer;
  /** The scene's voice track: RIFF WAVE, PCM s16le, mono. */
  audio: Buffer;
  /** Where the clip and the voice track are stored, for providers that fetch their inputs by URL. */
  videoKey: string;
  audioKey: string;
  language: string;
  syncMode: LipSyncMode;
  width: number;
  height: number;
  fps: number;
  durationSeconds: number;
  speech: SpokenLine[];
  shot: LipSyncShot;
}

export type LipSyncResult = RenderedClip;

/** A lip-sync model that answers within one call. */
export interface LipSyncModel {
  syncLips(request: LipSyncRequest, options?: CallOptions): Promise<Metered<LipSyncResult>>;
}

export type LipSyncJobStatus = { state: 'running' } | { state: 'succeeded'; synced: Metered<LipSyncResult> };

/** A lip-sync model that works as a job: started once, then polled. */
export interface AsyncLipSyncModel {
  readonly pollIntervalSeconds: number;
  startSync(request: LipSyncRequest, options?: CallOptions): Promise<{ jobId: string }>;
  /** Throws a Provider* error when the job failed. */
  pollSync(jobId: string, request: LipSyncRequest): Promise<LipSyncJobStatus>;
}

export function isAsyncLipSyncModel(model: LipSyncModel | AsyncLipSyncModel): model is AsyncLipSyncModel {
  return 'startSync' in model;
}

/** One stretch of an episode's music: a scene, with what sets its feeling. */
export interface MusicSection {
  /** The scene's mood as the manifest says it, when it does. */
  mood?: string;
  /** The scene's outline: without a mood, it may still give the feeling away. */
  outline: string;
  durationSeconds: number;
}

export interface MusicBedRequest {
  episodeId: string;
  /** In play order; the bed lasts exactly as long as they do together. */
  sections: MusicSection[];
  seed: number;
}

export interface MusicBed {
  /** RIFF WAVE, PCM signed 16-bit, stereo. */
  wav: Buffer;
  durationSeconds: number;
}

/**
 * Composes an episode's music bed, one section per scene, following each scene's mood.
 * The bed is laid under the dialogue and ducked by the episode mix; it carries no voice.
 */
export interface MusicModel {
  composeBed(request: MusicBedRequest, options?: CallOptions): Promise<Metered<MusicBed>>;
}

/** Who is asking for a provider slot: calls of one lane share that lane's weight. */
export interface SlotClaim {
  lane: string;
  weight: number;
}

/** Slot limits by `provider/model`, or by provider for all its models. */
export type ProviderSlotLimits = Record<string, number>;

/** The limit that holds a call to `served`: its model's own, else its provider's; undefined when it is not held back. */
export function slotLimitOf(
  limits: ProviderSlotLimits,
  served: { provider: string; model: string },
): number | undefined {
  return limits[`${served.provider}/${served.model}`] ?? limits[served.provider];
}

/** The pool a call to `served` takes its slot from. */
export const slotPoolOf = (served: { provider: string; model: string }) => `${served.provider}/${served.model}`;

/**
 * A provider's slots shared out by weight among the lanes that contend for them (start-time fair
 * queueing). Held by one process (lambdas/pipeline/weighted-slots.ts) or by the production table
 * (lambdas/adapters/aws/table-slots.ts), so that every function sharing the table shares the slots;
 * a paid call holds one without knowing which.
 */
export interface ProviderSlots {
  /** Runs `work` once a slot of `served` is this claim's, and frees the slot when it settles; at once when `served` has no limit. */
  hold<T>(served: { provider: string; model: string }, claim: SlotClaim, work: () => Promise<T>): Promise<T>;
}

export interface RateLimit {
  /** Sustained calls per second, shared by every Lambda and execution. */
  requestsPerSecond: number;
  /** How many calls may go at once after a quiet spell. */
  burst: number;
}

/** Takes one call's permit before each provider call. */
export interface RateLimiter {
  take(provider: string): Promise<void>;
}
