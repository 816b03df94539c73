import { describe, expect, it } from 'vitest';
import {
  buildSceneVoiceTrack,
  VOICE_SAMPLE_RATE,
  wavFromPcm,
} from '../../../../../lambdas/adapters/media/voice-track.js';
import { tone } from '../../../../support/media-fixtures.js';

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
    // Prepare
    const inputs = [
      { seconds: 1, audio: await tone({ seconds: 1, frequency: 440, sampleRate: 22_050, format: 'wav' }) },
      {
        seconds: 0.5,
        audio: await tone({ seconds: 0.5, frequency: 660, sampleRate: 44_100, channels: 2, format: 'mp3' }),
      },
      { seconds: 0.75, audio: await tone({ seconds: 0.75, frequency: 550, sampleRate: 16_000, format: 'wav' }) },
    ];
    const lines = inputs.map((input, index) => ({
      characterId: index % 2 ? 'minh' : 'lan',
      text: `line ${index}`,
      audio: input.audio,
    }));
    const options = { leadInSeconds: 0.25, gapSeconds: 0.4, tailSeconds: 0.5 };

    // Act
    const track = await buildSceneVoiceTrack(lines, options);

    // Assess
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
    expect(
      rms(wav.samples, (track.cues[0]?.endSeconds ?? 0) + 0.01, (track.cues[1]?.startSeconds ?? 0) - 0.01),
    ).toBeLessThan(10);
  });

  it('gives a silent track of the minimum length to a scene without lines', async () => {
    // Act
    const silent = await buildSceneVoiceTrack([]);
    const longer = await buildSceneVoiceTrack([], { minimumSeconds: 3.5 });

    // Assess
    expect(silent.durationSeconds).toBe(2);
    expect(silent.cues).toEqual([]);
    const wav = parseWav(silent.wav);
    expect(wav.samples.length).toBe(96_000);
    expect([...wav.samples].filter((sample) => sample !== 0)).toEqual([]);
    expect(longer.durationSeconds).toBe(3.5);
  });

  it('pads a short scene to the minimum after the tail', async () => {
    // Prepare
    const audio = await tone({ seconds: 0.3, frequency: 440, sampleRate: 48_000, format: 'wav' });

    // Act
    const track = await buildSceneVoiceTrack([{ characterId: 'lan', text: 'Ừ.', audio }], { minimumSeconds: 4 });

    // Assess
    expect(track.durationSeconds).toBe(4);
    expect(track.cues[0]?.endSeconds).toBeCloseTo(0.4 + 0.3, 3);
  });

  it('copies the samples of a WAV already at 48 kHz mono s16 exactly, and decodes the same tone at another rate to the same length', async () => {
    // Prepare
    const pcm = Buffer.alloc(4800 * 2);
    for (let i = 0; i < 4800; i += 1) pcm.writeInt16LE(Math.round(8000 * Math.sin(i / 7)), i * 2);
    const options = { leadInSeconds: 0, tailSeconds: 0, minimumSeconds: 0 };

    // Act
    const copied = await buildSceneVoiceTrack([{ characterId: 'lan', text: 'a', audio: wavFromPcm(pcm) }], options);
    const resampled = await buildSceneVoiceTrack(
      [{ characterId: 'lan', text: 'a', audio: wavFromPcm(pcm, 24_000) }],
      options,
    );

    // Assess
    expect(parseWav(copied.wav).samples).toEqual(new Int16Array(pcm.buffer, pcm.byteOffset, 4800));
    expect(copied.durationSeconds).toBeCloseTo(0.1, 6);
    expect(resampled.durationSeconds).toBeCloseTo(0.2, 3);
  });

  it("times a cue from its line's first word to its last word, offset by the line's place in the track, and leaves the audio where it was", async () => {
    // Prepare
    const second = (seconds: number) => wavFromPcm(Buffer.alloc(Math.round(seconds * VOICE_SAMPLE_RATE) * 2, 0x11));
    const lines = [
      {
        characterId: 'lan',
        text: 'Mẹ ơi!',
        audio: second(1),
        words: [
          { text: 'Mẹ', startSeconds: 0.15, endSeconds: 0.4 },
          { text: 'ơi', startSeconds: 0.45, endSeconds: 0.8 },
        ],
      },
      { characterId: 'minh', text: 'Con về rồi.', audio: second(0.5) },
      {
        characterId: 'lan',
        text: 'Vào nhà đi.',
        audio: second(0.75),
        words: [
          { text: 'Vào', startSeconds: 0.05, endSeconds: 0.3 },
          { text: 'đi', startSeconds: 0.5, endSeconds: 0.6 },
        ],
      },
    ];

    // Act
    const track = await buildSceneVoiceTrack(lines, { leadInSeconds: 0.4, gapSeconds: 0.3, tailSeconds: 0.6 });

    // Assess
    expect(track.cues.map((cue) => [cue.startSeconds, cue.endSeconds])).toEqual([
      [0.4 + 0.15, 0.4 + 0.8],
      [1.7, 2.2],
      [2.5 + 0.05, 2.5 + 0.6],
    ]);
    const samples = parseWav(track.wav).samples;
    const at = (seconds: number) => samples[Math.round(seconds * VOICE_SAMPLE_RATE)];
    expect([at(0.39), at(0.4), at(1.39), at(1.41), at(2.49), at(2.5), at(3.24), at(3.26)]).toEqual([
      0, 0x1111, 0x1111, 0, 0, 0x1111, 0x1111, 0,
    ]);
    expect(track.durationSeconds).toBeCloseTo(3.25 + 0.6, 6);
  });

  it("keeps word-timed cues inside their own line's audio, in order and apart, and falls back to the whole line when the timings leave nothing", async () => {
    // Prepare
    const silence = (seconds: number) => wavFromPcm(Buffer.alloc(Math.round(seconds * VOICE_SAMPLE_RATE) * 2));
    const lines = [
      {
        characterId: 'lan',
        text: 'a',
        audio: silence(0.5),
        words: [{ text: 'a', startSeconds: -0.2, endSeconds: 0.9 }],
      },
      {
        characterId: 'minh',
        text: 'b',
        audio: silence(0.5),
        words: [{ text: 'b', startSeconds: 0.7, endSeconds: 0.9 }],
      },
      { characterId: 'lan', text: 'c', audio: silence(0.5), words: [] },
      {
        characterId: 'minh',
        text: 'd',
        audio: silence(0.5),
        words: [{ text: 'd', startSeconds: 0.1, endSeconds: 0.3 }],
      },
    ];

    // Act
    const track = await buildSceneVoiceTrack(lines, { leadInSeconds: 0, gapSeconds: 0, tailSeconds: 0 });

    // Assess
    expect(track.cues.map((cue) => [cue.startSeconds, cue.endSeconds])).toEqual([
      [0, 0.5],
      [0.5, 1],
      [1, 1.5],
      [1.6, 1.8],
    ]);
    for (const [index, cue] of track.cues.entries()) {
      expect(cue.endSeconds).toBeGreaterThan(cue.startSeconds);
      if (index > 0) expect(cue.startSeconds).toBeGreaterThanOrEqual(track.cues[index - 1]!.endSeconds);
    }
  });

  it('rejects negative spacing', async () => {
    // Act
    const track = buildSceneVoiceTrack([], { gapSeconds: -1 });

    // Assess
    await expect(track).rejects.toThrow(RangeError);
  });
});
