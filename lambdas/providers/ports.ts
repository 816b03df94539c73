/**
 * The provider ports every stage talks to. A profile (offline, openai-compatible,
 * bedrock) implements them; the stages never know which one they hold.
 *
 * Every call returns what the provider reported it consumed, so the ledger can
 * price it from usage rather than from an estimate.
 */

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  images?: number;
  videoSeconds?: number;
  speechCharacters?: number;
}

export interface Metered<T> {
  result: T;
  usage: Usage;
  provider: string;
  model: string;
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
  characters: CharacterBrief[];
}

export interface SceneScriptRequest {
  language: string;
  title: string;
  scene: SceneBrief;
  seed: number;
}

export interface SceneScript {
  lines: DialogueLine[];
}

export interface TextModel {
  writeScene(request: SceneScriptRequest): Promise<Metered<SceneScript>>;
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
  /** Where each character stands in the image, keyed by character id. */
  regions: Record<string, Box>;
}

export interface ReferenceSheetRequest {
  character: CharacterBrief;
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
  drawReferenceSheet(request: ReferenceSheetRequest): Promise<Metered<RenderedImage>>;
  drawKeyframe(request: KeyframeRequest): Promise<Metered<RenderedImage>>;
}

export interface ConsistencyRequest {
  keyframe: RenderedImage;
  characterId: string;
  reference: RenderedImage;
}

/** Scores how much a character in a keyframe looks like its reference sheet, 0..1. */
export interface ConsistencyScorer {
  score(request: ConsistencyRequest): Promise<Metered<number>>;
}

export interface SpeechRequest {
  text: string;
  language: string;
  characterId: string;
  voice: VoiceSettings;
}

export interface SpeechResult {
  /** RIFF WAVE, PCM signed 16-bit. */
  wav: Buffer;
  durationSeconds: number;
}

export interface SpeechModel {
  speak(request: SpeechRequest): Promise<Metered<SpeechResult>>;
}

export interface ClipRequest {
  keyframePng: Buffer;
  width: number;
  height: number;
  fps: number;
  durationSeconds: number;
  seed: number;
  prompt: string;
}

export interface ClipResult {
  /** MP4, H.264, no audio track, exactly durationSeconds long. */
  mp4: Buffer;
}

export interface VideoModel {
  renderClip(request: ClipRequest): Promise<Metered<ClipResult>>;
}

export interface ProviderSet {
  text: TextModel;
  image: ImageModel;
  consistency: ConsistencyScorer;
  speech: SpeechModel;
  video: VideoModel;
}
