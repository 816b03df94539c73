import type { SceneScript } from './ports.js';

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
}

/** The editor's exports delivered next to the episode's MP4, by file name (docs/editor-exports.md). */
export interface EpisodeExports {
  otio: string;
  fcpxml: string;
  /** The voice stem both timelines place under the picture. */
  voices: string;
}

export interface EpisodeSummary {
  episodeId: string;
  file: string;
  /** The assembled MP4's duration as probed, not as planned. */
  durationSeconds: number;
  sceneIds: string[];
  /** Content hash of everything the MP4 was made from; an unchanged hash skips re-assembly. */
  inputsHash: string;
  /** Absent in summaries written before the exports existed. */
  exports?: EpisodeExports;
}
