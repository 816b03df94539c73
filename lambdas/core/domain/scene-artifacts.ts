import type { Repair, SceneScript } from '../contracts/ports.js';

/** The scene's script as stored by the script stage and read by the voice stage. */
export interface StoredScript extends SceneScript {
  source: 'manifest' | 'model';
}

export interface StoredVoiceCue {
  index: number;
  characterId: string;
  speaker: string;
  text: string;
  startSeconds: number;
  endSeconds: number;
}

/** The scene's voice track timing as measured by the voice stage; everything downstream is timed from it. */
export interface StoredVoiceCues {
  durationSeconds: number;
  cues: StoredVoiceCue[];
  /**
   * A natively voiced scene (the video model speaks its lines): `planned` as the voice stage left it, with no
   * voice track yet and its length planned from the lines; `measured` once Generate video took the voice track
   * from the clip and timed the cues by the speech in it. Absent for a synthesized voice.
   */
  native?: 'planned' | 'measured';
}

/** The editor's exports delivered next to the episode's MP4, by file name (docs/editor-exports.md). */
export interface EpisodeExports {
  otio: string;
  fcpxml: string;
  /** The voice stem both timelines place under the picture. */
  voices: string;
  /** The music bed both timelines place on their Music track; absent for an episode exported before it was. */
  music?: string;
}

/** The names of the checks an episode passes before delivery (docs/audio-and-qa.md). */
export const QA_CHECKS = [
  'black-frames',
  'frozen-frames',
  'dialogue-silence',
  'av-drift',
  'loudness',
  'subtitle-timing',
  'subtitle-glyphs',
] as const;
export type QaCheckName = (typeof QA_CHECKS)[number];

export interface QaCheck {
  name: QaCheckName;
  passed: boolean;
  /** A hard check that fails stops the episode's delivery. */
  severity: 'hard';
  /** What was measured, in words a producer reads: the failing spans, or the figures that passed. */
  detail: string;
}

export interface EpisodeQa {
  passed: boolean;
  checks: QaCheck[];
}

/** The delivered mix's loudness, measured on the encoded MP4 (EBU R 128). */
export interface EpisodeLoudness {
  integratedLufs: number;
  truePeakDbtp: number;
  loudnessRangeLu: number;
  /** How the second loudnorm pass normalised: one gain for the episode (`linear`) or `dynamic`. */
  normalization: 'linear' | 'dynamic' | 'none';
}

export interface EpisodeAudio {
  loudness: EpisodeLoudness;
  /** The music bed under the dialogue, and who made it. */
  music: { provider: string; model: string; moods: string[] };
}

export interface EpisodeSummary {
  episodeId: string;
  /** The delivered MP4; absent when QA stopped the episode before delivery. */
  file?: string;
  /** The assembled MP4's duration as probed, not as planned. */
  durationSeconds: number;
  sceneIds: string[];
  /** Content hash of everything the MP4 was made from; an unchanged hash skips re-assembly. */
  inputsHash: string;
  /** Absent in summaries written before the exports existed. */
  exports?: EpisodeExports;
  /** The 9:16 cover, `<episode>.cover.jpg`; absent in summaries written before covers existed. */
  cover?: string;
  /** The platform package, `<episode>.platform.json`; absent in summaries written before packages existed. */
  platform?: string;
  /** Absent in summaries written before the mix and QA existed. */
  audio?: EpisodeAudio;
  qa?: EpisodeQa;
}

/** How one scene of a dub was fitted to the master's length. */
/** The longest a scene's last frame may be held for a dub that still runs long: QA allows exactly this. */
export const MAX_DUB_HOLD_SECONDS = 1;

export interface DubFit {
  sceneId: string;
  /** The lines (0-based) asked again, shorter, because they ran past the master's time. */
  askedAgain: number[];
  /** The speed-up applied to every line of the scene; 1 when none was needed. */
  tempo: number;
  /** How long the scene's last frame is held for the dub's voice to finish; 0 when it fits. */
  holdSeconds: number;
}

/** A dub's voices as voice-dub stored them, for its cut: each scene's track is `dub-<lang>.wav` beside the master's. */
export interface StoredDubVoicing {
  language: string;
  /** The master's inputs, the language, the fitting and the models: an equal hash is an equal dub. */
  inputsHash: string;
  title: string;
  /** The master's platform listing in the dub's language, for its platform package. */
  listing: { description: string; hashtags: string[] };
  translation: DubSummary['translation'];
  fit: DubFit[];
  costUsd: number;
  scenes: {
    sceneId: string;
    durationSeconds: number;
    holdSeconds: number;
    /** `characterId` says whose lips a re-sync moves; `speaker` is the name the subtitles show. */
    cues: { startSeconds: number; endSeconds: number; text: string; speaker: string; characterId: string }[];
  }[];
  /** What was mended in the translator's answers: each line's, the title's and the listing's. */
  repairs?: DubRepair[];
}

/** One repair of a translated answer, and which answer: a scene's line (0-based), the title or the listing. */
export type DubRepair = Repair & ({ sceneId: string; line: number } | { of: 'title' | 'listing' });

/** The scenes of a dub whose lips were synced again to the dubbed voice, and by which model. */
export interface DubLipResync {
  provider: string;
  model: string;
  scenes: string[];
}

/** Facts about one dub of an episode, for the report. */
export interface DubSummary {
  /** Canonical tag (core/text/languages.ts). */
  language: string;
  /** The delivered MP4; absent when QA stopped the dub before delivery. */
  file?: string;
  durationSeconds: number;
  masterDurationSeconds: number;
  inputsHash: string;
  /** Who translated; `standIn` when it was the offline phrasebook, which keeps each line's mood and length but not its meaning. */
  translation: { provider: string; model: string; standIn: boolean };
  fit: DubFit[];
  /** Present when the master synced lips: the scenes whose lips were synced again to the dubbed voice. */
  lipSync?: DubLipResync;
  /** What was mended in the translator's answers (lines, title, listing), by the pipeline or by the model asked again. */
  repairs?: DubRepair[];
  exports?: EpisodeExports;
  /** The episode's title in the dub's language, and its cover, `<episode>.<lang>.cover.jpg`. */
  title?: string;
  cover?: string;
  /** Its platform package, `<episode>.<lang>.platform.json`. */
  platform?: string;
  audio: EpisodeAudio;
  qa: EpisodeQa;
  /** What this run of the dub bought: translations, voices and lip re-syncs (the music bed is the master's, from the cache). */
  costUsd: number;
}
