import type { TimedWord } from '../../core/contracts/ports.js';
import { runFfmpeg } from './ffmpeg.js';
import { BYTES_PER_SAMPLE, readWavLayout, wavHeader } from './wav-header.js';

/** Every scene voice track is 48 kHz mono signed 16-bit, whatever the speech provider returned. */
export const VOICE_SAMPLE_RATE = 48_000;

export interface VoiceLine {
  characterId: string;
  text: string;
  /** WAV or MP3, as the speech provider returned it. */
  audio: Buffer;
  /** When the words are spoken, from the start of this line's audio (speech marks, a transcription). */
  words?: TimedWord[];
}

export interface VoiceTrackOptions {
  /** Silence before the first line. */
  leadInSeconds?: number;
  /** Silence between consecutive lines. */
  gapSeconds?: number;
  /** Silence after the last line. */
  tailSeconds?: number;
  /** The track is padded with silence to at least this long; also the length of a scene without lines. */
  minimumSeconds?: number;
}

export interface VoiceCue {
  index: number;
  characterId: string;
  text: string;
  startSeconds: number;
  endSeconds: number;
}

export interface SceneVoiceTrack {
  /** RIFF WAVE, PCM s16le, 48 kHz, mono. */
  wav: Buffer;
  durationSeconds: number;
  cues: VoiceCue[];
}

const DEFAULTS: Required<VoiceTrackOptions> = {
  leadInSeconds: 0.4,
  gapSeconds: 0.3,
  tailSeconds: 0.6,
  minimumSeconds: 2,
};

export async function buildSceneVoiceTrack(
  lines: VoiceLine[],
  options: VoiceTrackOptions = {},
): Promise<SceneVoiceTrack> {
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isFinite(value) || value < 0)
      throw new RangeError(`${name} must be a non-negative number, got ${value}`);
  }

  // Decoded one after another: a scene has at most 40 short lines and Lambda has few cores.
  const decoded: Buffer[] = [];
  for (const line of lines) decoded.push(await decodeToPcm(line.audio));

  const leadIn = secondsToSamples(settings.leadInSeconds);
  const gap = secondsToSamples(settings.gapSeconds);
  const tail = secondsToSamples(settings.tailSeconds);

  const cues: VoiceCue[] = [];
  const lineStarts: number[] = [];
  let cursor = leadIn;
  decoded.forEach((pcm, index) => {
    const line = lines[index] as VoiceLine;
    if (index > 0) cursor += gap;
    const samples = pcm.length / BYTES_PER_SAMPLE;
    const spoken = spokenSpan(line.words, samples / VOICE_SAMPLE_RATE);
    lineStarts.push(cursor);
    cues.push({
      index,
      characterId: line.characterId,
      text: line.text,
      startSeconds: cursor / VOICE_SAMPLE_RATE + spoken.startSeconds,
      endSeconds: cursor / VOICE_SAMPLE_RATE + spoken.endSeconds,
    });
    cursor += samples;
  });

  const spokenEnd = lines.length > 0 ? cursor + tail : 0;
  const totalSamples = Math.max(spokenEnd, secondsToSamples(settings.minimumSeconds));
  const pcm = Buffer.alloc(totalSamples * BYTES_PER_SAMPLE);
  for (const [index, linePcm] of decoded.entries()) linePcm.copy(pcm, (lineStarts[index] as number) * BYTES_PER_SAMPLE);

  return { wav: wavFromPcm(pcm), durationSeconds: totalSamples / VOICE_SAMPLE_RATE, cues };
}

async function decodeToPcm(audio: Buffer): Promise<Buffer> {
  // A WAV already in the track's format needs no decoder: copying its samples spares an ffmpeg process per line.
  const samples = pcmInTrackFormat(audio);
  if (samples) return samples;
  const { stdout } = await runFfmpeg(
    ['-i', 'pipe:0', '-vn', '-ac', '1', '-ar', String(VOICE_SAMPLE_RATE), '-c:a', 'pcm_s16le', '-f', 's16le', 'pipe:1'],
    { input: audio },
  );
  // A torn last sample would shift every later byte; drop it.
  return stdout.subarray(0, stdout.length - (stdout.length % BYTES_PER_SAMPLE));
}

/** The samples of a PCM WAV that is already 48 kHz mono s16le, or undefined for anything else (MP3, other rates, malformed). */
function pcmInTrackFormat(audio: Buffer): Buffer | undefined {
  if (audio.toString('ascii', 0, 4) !== 'RIFF') return undefined;
  try {
    const layout = readWavLayout(audio);
    const matches =
      layout.sampleRate === VOICE_SAMPLE_RATE && layout.channels === 1 && layout.bitsPerSample === BYTES_PER_SAMPLE * 8;
    return matches
      ? audio.subarray(layout.dataOffset, layout.dataOffset + layout.dataBytes - (layout.dataBytes % BYTES_PER_SAMPLE))
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The audio said `factor` times as fast with its pitch kept (ffmpeg's atempo), as a track-format
 * WAV: how a dubbed line that runs past the master's time is fitted.
 */
export async function changeTempo(audio: Buffer, factor: number): Promise<Buffer> {
  const { stdout } = await runFfmpeg(
    [
      '-i',
      'pipe:0',
      '-vn',
      '-filter:a',
      `atempo=${factor}`,
      '-ac',
      '1',
      '-ar',
      String(VOICE_SAMPLE_RATE),
      '-c:a',
      'pcm_s16le',
      '-f',
      's16le',
      'pipe:1',
    ],
    { input: audio },
  );
  return wavFromPcm(stdout.subarray(0, stdout.length - (stdout.length % BYTES_PER_SAMPLE)));
}

/**
 * The part of a line's audio its cue covers: from the first word's start to the last
 * word's end, clamped inside the audio so a cue never reaches into the gap or the next
 * line (cues stay in order and never overlap); the whole audio without word timings,
 * or when the timings leave nothing of it.
 */
function spokenSpan(words: TimedWord[] | undefined, lineSeconds: number): { startSeconds: number; endSeconds: number } {
  const clamp = (seconds: number) => Math.min(Math.max(seconds, 0), lineSeconds);
  const timed = (words ?? []).filter((word) => Number.isFinite(word.startSeconds) && Number.isFinite(word.endSeconds));
  if (timed.length === 0) return { startSeconds: 0, endSeconds: lineSeconds };
  const startSeconds = clamp(Math.min(...timed.map((word) => word.startSeconds)));
  const endSeconds = clamp(Math.max(...timed.map((word) => word.endSeconds)));
  return endSeconds > startSeconds ? { startSeconds, endSeconds } : { startSeconds: 0, endSeconds: lineSeconds };
}

function secondsToSamples(seconds: number): number {
  return Math.round(seconds * VOICE_SAMPLE_RATE);
}

function definedOnly(options: VoiceTrackOptions): VoiceTrackOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

/** s16le PCM (mono unless `channels` says otherwise, interleaved) as a WAV file. */
export function wavFromPcm(pcm: Buffer, sampleRate: number = VOICE_SAMPLE_RATE, channels = 1): Buffer {
  return Buffer.concat([wavHeader(pcm.length, sampleRate, channels), pcm]);
}
