import { describe, expect, it } from 'vitest';
import { buildSceneVoiceTrack, VOICE_SAMPLE_RATE } from '../../../lambdas/shared/media/voice-track.js';
import { tone } from './media-fixtures.js';

function parseWav(wav: Buffer): { sampleRate: number; channels: number; bitsPerSample: number; samples: Int16Array } {
  expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
  expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
  expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
  const dataLength = wav.readUInt32LE(40);
  expect(dataLength).toBe(wav.length - 44);
  const pcm = wav.subarray(44);
  return {
    channels: wav.readUInt16LE(22),
    sampleRate: wav.readUInt32LE(24),
    bitsPerSample: wav.readUInt16LE(34),
    samples: new Int16Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.length)),
  };
}

function rms(samples: Int16Array, fromSeconds: number, toSeconds: number): number {
  const from = Math.round(fromSeconds * VOICE_SAMPLE_RATE);
  const to = Math.round(toSeconds * VOICE_SAMPLE_RATE);
  let sum = 0;
  for (let i = from; i < to; i += 1) sum += (samples[i] ?? 0) ** 2;
  return Math.sqrt(sum / Math.max(1, to - from));
}

describe('buildSceneVoiceTrack', () => {
  it('lays lines from WAV and MP3 of any rate one after another with lead-in, gaps and tail', async () => {
    const inputs = [
      { seconds: 1, audio: await tone({ seconds: 1, frequency: 440, sampleRate: 22_050, format: 'wav' }) },
      { seconds: 0.5, audio: await tone({ seconds: 0.5, frequency: 660, sampleRate: 44_100, channels: 2, format: 'mp3' }) },
      { seconds: 0.75, audio: await tone({ seconds: 0.75, frequency: 550, sampleRate: 16_000, format: 'wav' }) },
    ];
    const lines = inputs.map((input, index) => ({ characterId: index % 2 ? 'minh' : 'lan', text: `line ${index}`, audio: input.audio }));
    const options = { leadInSeconds: 0.25, gapSeconds: 0.4, tailSeconds: 0.5 };

    const track = await buildSceneVoiceTrack(lines, options);

    const wav = parseWav(track.wav);
    expect(wav).toMatchObject({ sampleRate: 48_000, channels: 1, bitsPerSample: 16 });
    expect(track.durationSeconds).toBeCloseTo(wav.samples.length / 48_000, 6);
    expect(track.cues.map((cue) => [cue.index, cue.characterId, cue.text])).toEqual([
      [0, 'lan', 'line 0'],
      [1, 'minh', 'line 1'],
      [2, 'lan', 'line 2'],
    ]);

    expect(track.cues[0]?.startSeconds).toBeCloseTo(0.25, 6);
    track.cues.forEach((cue, index) => {
      // MP3 decoding may keep a few milliseconds of encoder padding.
      expect(cue.endSeconds - cue.startSeconds).toBeCloseTo(inputs[index]?.seconds ?? 0, 1);
      expect(Math.abs(cue.endSeconds - cue.startSeconds - (inputs[index]?.seconds ?? 0))).toBeLessThan(0.06);
      expect(cue.startSeconds).toBeGreaterThanOrEqual(0);
      expect(cue.endSeconds).toBeLessThanOrEqual(track.durationSeconds);
      const next = track.cues[index + 1];
      if (next) expect(next.startSeconds - cue.endSeconds).toBeCloseTo(0.4, 6);
    });
    const lastCue = track.cues[track.cues.length - 1];
    expect(track.durationSeconds - (lastCue?.endSeconds ?? 0)).toBeCloseTo(0.5, 6);

    // The voice really is where the cues say, and the gaps really are silent.
    for (const cue of track.cues) {
      expect(rms(wav.samples, cue.startSeconds + 0.05, cue.endSeconds - 0.05)).toBeGreaterThan(1000);
    }
    expect(rms(wav.samples, 0, 0.24)).toBeLessThan(10);
    expect(rms(wav.samples, (track.cues[0]?.endSeconds ?? 0) + 0.01, (track.cues[1]?.startSeconds ?? 0) - 0.01)).toBeLessThan(10);
  });

  it('gives a silent track of the minimum length to a scene without lines', async () => {
    const silent = await buildSceneVoiceTrack([]);
    expect(silent.durationSeconds).toBe(2);
    expect(silent.cues).toEqual([]);
    const wav = parseWav(silent.wav);
    expect(wav.samples.length).toBe(96_000);
    expect(wav.samples.every((sample) => sample === 0)).toBe(true);

    const longer = await buildSceneVoiceTrack([], { minimumSeconds: 3.5 });
    expect(longer.durationSeconds).toBe(3.5);
  });

  it('pads a short scene to the minimum after the tail', async () => {
    const audio = await tone({ seconds: 0.3, frequency: 440, sampleRate: 48_000, format: 'wav' });
    const track = await buildSceneVoiceTrack([{ characterId: 'lan', text: 'Ừ.', audio }], { minimumSeconds: 4 });
    expect(track.durationSeconds).toBe(4);
    expect(track.cues[0]?.endSeconds).toBeCloseTo(0.4 + 0.3, 3);
  });

  it('rejects negative spacing', async () => {
    await expect(buildSceneVoiceTrack([], { gapSeconds: -1 })).rejects.toThrow(RangeError);
  });
});
