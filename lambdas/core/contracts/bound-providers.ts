import type {
  AsyncLipSyncModel,
  AsyncVideoModel,
  ConsistencyScorer,
  EpisodeDeveloper,
  ImageModel,
  LineTranslator,
  LipSyncModel,
  MusicModel,
  SpeechModel,
  SpeechTranscriber,
  TextModel,
  VideoModel,
} from './ports.js';

export interface ServingModel {
  provider: string;
  model: string;
  /** The most billed calls this model can make for one logical call. */
  maxBilledCalls: number;
}

/** A port together with who serves it, known before the call so cache keys can name them. */
export interface Bound<Port> {
  port: Port;
  provider: string;
  /** The model, or for a routed port the route (`draft>review>final`), so a changed route is a new cache entry. */
  model: string;
  /** Every model a routed port may bill; absent for a port with one model. */
  serving?: ServingModel[];
}

export interface BoundProviders {
  text: Bound<TextModel>;
  /** The text models again, writing scene cards from a synopsis (the script stage's route). */
  development: Bound<EpisodeDeveloper>;
  /** The text models again, translating master lines for a dub (the script stage's route). */
  translation: Bound<LineTranslator>;
  image: Bound<ImageModel>;
  consistency: Bound<ConsistencyScorer>;
  speech: Bound<SpeechModel>;
  video: Bound<VideoModel | AsyncVideoModel>;
  /** The lip-sync model for the manifest's mode; absent where the manifest asks for no lip-sync. */
  lipSync?: Bound<LipSyncModel | AsyncLipSyncModel>;
  /** The episode's music bed. The offline bed for every profile: no real profile offers a music model yet (docs/audio.md). */
  music: Bound<MusicModel>;
  /** Present when subtitles are timed by transcribing lines whose speech came without word timings. */
  transcription?: Bound<SpeechTranscriber>;
}

/** The name of each port a stage may be served: what a provider-calling stage's handler declares it uses. */
export type ProviderPort = keyof BoundProviders;

// A record, not a list, so a port added to BoundProviders fails to compile until it is named here too.
const PORT_NAMES = {
  text: true,
  development: true,
  translation: true,
  image: true,
  consistency: true,
  speech: true,
  video: true,
  lipSync: true,
  music: true,
  transcription: true,
} satisfies Record<ProviderPort, true>;

export const PROVIDER_PORTS = Object.keys(PORT_NAMES) as ProviderPort[];

/** The ports a stage declared, and only those: a stage reaching for another fails to compile. */
export type BoundPorts<Ports extends ProviderPort> = Pick<BoundProviders, Ports>;

/** The models a bound port may bill, for estimates. */
export function servingModels(bound: Bound<unknown>): ServingModel[] {
  return bound.serving ?? [{ provider: bound.provider, model: bound.model, maxBilledCalls: 1 }];
}
