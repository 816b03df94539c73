import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SpeechSpan } from '../../core/domain/native-voice.js';
import { analyseWithFfmpeg, probeMedia, runFfmpeg, withTempDir } from './ffmpeg.js';
import { VOICE_SAMPLE_RATE } from './voice-track.js';

/** Speech is voice-band sound louder than this; quieter is a pause (room tone, a breath). */
const SPEECH_THRESHOLD_DB = -35;
/** A pause between lines lasts at least this long; a shorter dip is inside a word or a line. */
const PAUSE_MIN_SECONDS = 0.25;
/** A burst shorter than this is a click or a cough, not a line. */
const SPEECH_MIN_SECONDS = 0.15;
/** The voice band: what lies outside it (rumble, hiss) says nothing about speech. */
const VOICE_BAND = 'highpass=f=200,lowpass=f=3500';

/** A clip's own audio as the scene's voice track, and where in it someone speaks. */
export interface ClipSpeech {
  /** RIFF WAVE, PCM s16le, mono, at the voice track's rate: what the episode's mix lays as the scene's dialogue. */
  wav: Buffer;
  durationSeconds: number;
  speech: SpeechSpan[];
}

/**
 * Takes a rendered clip's audio as a voice track and measures its speech activity: ffmpeg's
 * silencedetect over the voice band of the decoded PCM, speech being what lies between the pauses.
 * Undefined when the clip has no audio track.
 */
export async function clipSpeech(mp4: Buffer): Promise<ClipSpeech | undefined> {
  return withTempDir(async (dir) => {
    const clipFile = path.join(dir, 'clip.mp4');
    const wavFile = path.join(dir, 'voice.wav');
    await writeFile(clipFile, mp4);
    const probe = await probeMedia(clipFile);
    if (!probe.streams.some((stream) => stream.codecType === 'audio')) return undefined;
    await runFfmpeg([
      '-i',
      clipFile,
      '-map',
      '0:a:0',
      '-ac',
      '1',
      '-ar',
      String(VOICE_SAMPLE_RATE),
      '-c:a',
      'pcm_s16le',
      '-y',
      wavFile,
    ]);
    const wav = await readFile(wavFile);
    const durationSeconds = (wav.length - 44) / 2 / VOICE_SAMPLE_RATE;
    const log = await analyseWithFfmpeg([
      '-i',
      wavFile,
      '-af',
      `${VOICE_BAND},silencedetect=noise=${SPEECH_THRESHOLD_DB}dB:d=${PAUSE_MIN_SECONDS}`,
      '-f',
      'null',
      '-',
    ]);
    return { wav, durationSeconds, speech: speechBetween(pausesIn(log, durationSeconds), durationSeconds) };
  });
}

function pausesIn(log: string, durationSeconds: number): SpeechSpan[] {
  const starts = [...log.matchAll(/silence_start:\s*(-?[\d.]+)/g)].map((m) => Math.max(0, Number(m[1])));
  const ends = [...log.matchAll(/silence_end:\s*([\d.]+)/g)].map((m) => Number(m[1]));
  return starts.map((startSeconds, index) => ({ startSeconds, endSeconds: ends[index] ?? durationSeconds }));
}

/** The stretches that are not pauses, long enough to be speech. */
export function speechBetween(pauses: readonly SpeechSpan[], durationSeconds: number): SpeechSpan[] {
  const speech: SpeechSpan[] = [];
  let from = 0;
  for (const pause of pauses) {
    if (pause.startSeconds - from >= SPEECH_MIN_SECONDS)
      speech.push({ startSeconds: from, endSeconds: pause.startSeconds });
    from = Math.max(from, pause.endSeconds);
  }
  if (durationSeconds - from >= SPEECH_MIN_SECONDS) speech.push({ startSeconds: from, endSeconds: durationSeconds });
  return speech;
}
