import type {
  AsyncLipSyncModel,
  AsyncVideoModel,
  ConsistencyScorer,
  EpisodeDeveloper,
  ImageModel,
  LineTranslator,
  ProviderCallGuard,
  SpeechModel,
  SpeechTranscriber,
  TextModel,
} from './ports.js';

/** What a real provider profile's ports are built from: the stage's environment, a guard per provider, the bucket. */
export interface ProviderProfileContext {
  env: Record<string, string | undefined>;
  guard: (provider: string) => ProviderCallGuard;
  /** Where providers that write their output to S3 (Nova Reel) put it. */
  bucket: string;
  /** A URL a provider can fetch one of the bucket's objects from for a while (a presigned GET). */
  shareObject: (key: string) => Promise<string>;
}

export interface VideoPolling {
  pollIntervalSeconds: number;
  maxPolls: number;
}

/**
 * One real provider profile (a folder under lambdas/adapters/providers/): its ports by model.
 * The registry loads a profile's module only when a manifest's route uses it, so a
 * function loads a provider's SDK only for the profile in use.
 */
export interface ProviderProfile {
  text(model: string): TextModel;
  developer(model: string): EpisodeDeveloper;
  /** The script model translating a dub; absent where a profile cannot: validation refuses dubs whose script stage routes there. */
  translator?(model: string): LineTranslator;
  image(model: string): ImageModel;
  consistency(model: string): ConsistencyScorer;
  speech(model: string): SpeechModel;
  /** Absent where the profile has no speech-to-text. */
  transcriber?(model: string): SpeechTranscriber;
  video(model: string, polling: VideoPolling): AsyncVideoModel;
  /** Absent where the profile has no lip-sync. */
  lipSync?(model: string, polling: VideoPolling): AsyncLipSyncModel;
}

export type ProviderProfileFactory = (context: ProviderProfileContext) => ProviderProfile;
