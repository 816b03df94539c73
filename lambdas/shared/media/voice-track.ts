import { runFfmpeg } from './ffmpeg.js';

/** Every scene voice track is 48 kHz mono signed 16-bit, whatever the speech provider returned. */
export const VOICE_SAMPLE_RATE = 48_000;
const BYTES_PER_SAMPLE = 2;

export interface VoiceLine {
  characterId: string;
  text: string;
  /** WAV or MP3, as the speech provider returned it. */
  audio: Buffer;
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

export async function buildSceneVoiceTrack(lines: VoiceLine[], options: VoiceTrackOptions = {}): Promise<SceneVoiceTrack> {
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number, got ${value}`);
  }

  // Decoded one after another: a scene has at most 40 short lines and Lambda has few cores.
  const decoded: Buffer[] = [];
  for (const line of lines) decoded.push(await decodeToPcm(line.audio));

  const leadIn = secondsToSamples(settings.leadInSeconds);
  const gap = secondsToSamples(settings.gapSeconds);
  const tail = secondsToSamples(settings.tailSeconds);

  const cues: VoiceCue[] = [];
  let cursor = leadIn;
  decoded.forEach((pcm, index) => {
    const line = lines[index] as VoiceLine;
    if (index > 0) cursor += gap;
    const samples = pcm.length / BYTES_PER_SAMPLE;
    cues.push({
      index,
      characterId: line.characterId,
      text: line.text,
      startSeconds: cursor / VOICE_SAMPLE_RATE,
      endSeconds: (cursor + samples) / VOICE_SAMPLE_RATE,
    });
    cursor += samples;
  });

  const spokenEnd = lines.length > 0 ? cursor + tail : 0;
  const totalSamples = Math.max(spokenEnd, secondsToSamples(settings.minimumSeconds));
  const pcm = Buffer.alloc(totalSamples * BYTES_PER_SAMPLE);
  cues.forEach((cue, index) => {
    (decoded[index] as Buffer).copy(pcm, Math.round(cue.startSeconds * VOICE_SAMPLE_RATE) * BYTES_PER_SAMPLE);
  });

  return { wav: wavFromPcm(pcm), durationSeconds: totalSamples / VOICE_SAMPLE_RATE, cues };
}

async function decodeToPcm(audio: Buffer): Promise<Buffer> {
  const { stdout } = await runFfmpeg(
    ['-i', 'pipe:0', '-vn', '-ac', '1', '-ar', String(VOICE_SAMPLE_RATE), '-c:a', 'pcm_s16le', '-f', 's16le', 'pipe:1'],
    { input: audio },
  );
  // A torn last sample would shift every later byte; drop it.
  return stdout.subarray(0, stdout.length - (stdout.length % BYTES_PER_SAMPLE));
}

function secondsToSamples(seconds: number): number {
  return Math.round(seconds * VOICE_SAMPLE_RATE);
}

function definedOnly(options: VoiceTrackOptions): VoiceTrackOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

/** A canonical 44-byte RIFF header over mono s16le PCM. */
export function wavFromPcm(pcm: Buffer, sampleRate: number = VOICE_SAMPLE_RATE): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * BYTES_PER_SAMPLE, 28);
  header.writeUInt16LE(BYTES_PER_SAMPLE, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
}
