import { EPISODE_AUDIO_SAMPLE_RATE } from '../adapters/media/episode-audio.js';
import { sceneFrameCounts } from '../adapters/media/scene-encode.js';
import { buildVoiceStem } from '../adapters/media/voice-stem.js';
import { VOICE_SAMPLE_RATE } from '../adapters/media/voice-track.js';
import { readWavLayout } from '../adapters/media/wav-header.js';
import { assetKeys } from '../core/contracts/keys.js';
import type { EpisodeExports } from '../core/domain/scene-artifacts.js';
import type { Manifest } from '../core/manifest/schema.js';
import type { SubtitleCue } from '../core/text/subtitles.js';
import { cuesOnFrameGrid, type EditorTimeline, toFcpxml, toOtio } from './editor-timeline.js';
import type { StageDeps } from './stage-deps.js';

/** The assembly's MP4 carries AAC stereo at 48 kHz. */
const EPISODE_AUDIO = { audioChannels: 2, audioRate: EPISODE_AUDIO_SAMPLE_RATE } as const;

export interface EditorExportsInput {
  productionId: string;
  manifest: Manifest;
  episode: { id: string; title: string };
  scenes: { id: string; durationSeconds: number; voiceWav: Buffer }[];
  /** The episode's music bed as the music model composed it (a WAV of its own rate), as long as the episode. */
  musicWav: Buffer;
  /** On the episode timeline, in seconds. */
  cues: SubtitleCue[];
}

/**
 * Writes the episode's timeline for an editor next to its MP4: `<episode>.otio`,
 * `<episode>.fcpxml`, and the stems they both place, `<episode>.voices.wav` and
 * `<episode>.music.wav` (the bed before it was ducked, so the editor can mix it again). The
 * scenes are cut on the same frame grid as the MP4, so the clips add up to it exactly.
 */
export async function writeEditorExports(deps: StageDeps, input: EditorExportsInput): Promise<EpisodeExports> {
  const { fps, width, height } = input.manifest.format;
  const frameCounts = sceneFrameCounts(
    input.scenes.map((scene) => scene.durationSeconds),
    fps,
  );
  const frameCount = frameCounts.reduce((sum, frames) => sum + frames, 0);
  let startFrame = 0;
  const scenes = input.scenes.map((scene, index) => {
    const placed = { id: scene.id, startFrame, frames: frameCounts[index]! };
    startFrame += placed.frames;
    return placed;
  });
  const music = `${input.episode.id}.music.wav`;
  const exports: EpisodeExports = {
    otio: `${input.episode.id}.otio`,
    fcpxml: `${input.episode.id}.fcpxml`,
    voices: `${input.episode.id}.voices.wav`,
    music,
  };
  const musicLayout = readWavLayout(input.musicWav);
  const timeline: EditorTimeline = {
    production: input.manifest.title,
    title: input.episode.title,
    fps,
    width,
    height,
    frameCount,
    picture: { file: `${input.episode.id}.mp4`, ...EPISODE_AUDIO },
    voices: { file: exports.voices, audioChannels: 1, audioRate: VOICE_SAMPLE_RATE },
    // As the music model composed it: its rate is the model's, not the episode's.
    music: { file: music, audioChannels: musicLayout.channels, audioRate: musicLayout.sampleRate },
    scenes,
    subtitles: cuesOnFrameGrid(input.cues, fps, frameCount),
  };
  const key = (extension: 'otio' | 'fcpxml' | 'voices.wav' | 'music.wav') =>
    assetKeys.episode(input.productionId, input.episode.id, extension);
  const voiceStem = buildVoiceStem(
    input.scenes.map((scene) => scene.voiceWav),
    frameCounts,
    fps,
  );
  await deps.assets.putBytes(key('voices.wav'), voiceStem, 'audio/wav');
  await deps.assets.putBytes(key('music.wav'), input.musicWav, 'audio/wav');
  await deps.assets.putBytes(key('otio'), toOtio(timeline), 'application/json');
  await deps.assets.putBytes(key('fcpxml'), toFcpxml(timeline), 'application/xml');
  return exports;
}
