import { describe, expect, it } from 'vitest';
import { readWavLayout, wavDurationSeconds } from '../../../../../../lambdas/adapters/media/wav-header.js';
import { MOODS } from '../../../../../../lambdas/adapters/providers/offline/phrasebook/phrasebook.js';
import {
  MUSIC_SAMPLE_RATE,
  ProceduralMusicModel,
  renderBed,
  sectionMood,
} from '../../../../../../lambdas/adapters/providers/offline/procedural-music-model.js';
import { costUsd } from '../../../../../../lambdas/core/pricing/pricing.js';

function rms(samples: Float32Array, fromSeconds: number, toSeconds: number): number {
  let sum = 0;
  const from = Math.round(fromSeconds * MUSIC_SAMPLE_RATE);
  const to = Math.round(toSeconds * MUSIC_SAMPLE_RATE);
  for (let i = from; i < to; i += 1) sum += samples[i]! ** 2;
  return Math.sqrt(sum / (to - from));
}

/** Normalised correlation of two stretches of audio: 1 when one is the other at another level. */
function correlation(a: Float32Array, b: Float32Array, fromSeconds: number, toSeconds: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = Math.round(fromSeconds * MUSIC_SAMPLE_RATE); i < Math.round(toSeconds * MUSIC_SAMPLE_RATE); i += 1) {
    ab += a[i]! * b[i]!;
    aa += a[i]! ** 2;
    bb += b[i]! ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

function peak(samples: Float32Array): number {
  let max = 0;
  for (const sample of samples) max = Math.max(max, Math.abs(sample));
  return max;
}

/**
 * The share of a stretch's energy between two frequencies, from its DFT (Hann-windowed): every bin in
 * the band, over all bins (Parseval).
 */
function bandEnergyShare(samples: Float32Array, fromSeconds: number, length: number, lowHz: number, highHz: number) {
  const start = Math.round(fromSeconds * MUSIC_SAMPLE_RATE);
  const windowed = Float64Array.from(
    { length },
    (_, n) => samples[start + n]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (length - 1))),
  );
  let total = 0;
  for (const sample of windowed) total += sample ** 2;
  let band = 0;
  const binHz = MUSIC_SAMPLE_RATE / length;
  for (let bin = Math.ceil(lowHz / binHz); bin * binHz < highHz && bin < length / 2; bin += 1) {
    let re = 0;
    let im = 0;
    for (let n = 0; n < length; n += 1) {
      const angle = (2 * Math.PI * bin * n) / length;
      re += windowed[n]! * Math.cos(angle);
      im -= windowed[n]! * Math.sin(angle);
    }
    // Both halves of the spectrum: the band and its mirror.
    band += (2 * (re * re + im * im)) / length;
  }
  return band / total;
}

describe('ProceduralMusicModel', () => {
  it('composes a stereo bed exactly as long as its scenes, the same bytes for the same request, at $0', async () => {
    // Prepare
    const model = new ProceduralMusicModel();
    const request = {
      episodeId: 'ep01',
      seed: 7,
      sections: [
        { mood: 'tender', outline: '', durationSeconds: 2.5 },
        { outline: 'A quarrel at dinner.', durationSeconds: 1.75 },
      ],
    };

    // Act
    const first = await model.composeBed(request);
    const again = await model.composeBed(request);
    const otherSeed = await model.composeBed({ ...request, seed: 8 });

    // Assess
    const layout = readWavLayout(first.result.wav);
    expect(layout).toMatchObject({ sampleRate: 24_000, channels: 2, bitsPerSample: 16 });
    expect(wavDurationSeconds(layout)).toBeCloseTo(4.25, 6);
    expect(first.result.durationSeconds).toBeCloseTo(4.25, 6);
    expect(again.result.wav.equals(first.result.wav)).toBe(true);
    expect(otherSeed.result.wav.equals(first.result.wav)).toBe(false);
    expect(costUsd(first.provider, first.model, first.usage)).toBe(0);
    expect(first.usage.musicSeconds).toBeCloseTo(4.25, 6);
  });

  it('leaves the top of its 24 kHz band empty, so its rate holds every partial of every mood', () => {
    for (const mood of MOODS) {
      // Prepare
      const { left } = renderBed({
        episodeId: 'ep01',
        seed: 11,
        sections: [{ mood, outline: '', durationSeconds: 3 }],
      });

      // Act: 4,096 samples from the middle, past the fade-in, over a chord and (for plucked moods) several notes
      const share = bandEnergyShare(left, 1.2, 4096, 8_000, MUSIC_SAMPLE_RATE / 2);

      // Assess: under -60 dB of the bed between 8 kHz and the Nyquist frequency
      expect(share, mood).toBeLessThan(1e-6);
    }
  });

  it('follows each scene’s mood: a changed mood changes that scene’s music and leaves the scene before it alone', () => {
    // Prepare
    const sad = { mood: 'buồn', outline: '', durationSeconds: 6 };
    const joyful = { mood: 'joyful', outline: '', durationSeconds: 6 };

    // Act
    const sadThenSad = renderBed({ episodeId: 'ep01', seed: 1, sections: [sad, sad] });
    const sadThenJoyful = renderBed({ episodeId: 'ep01', seed: 1, sections: [sad, joyful] });

    // Assess: the first scene is the same music (the bed's level is set from its loudest moment)
    // until the cross-fade, 1.2 s before the cut; the second is other music.
    expect(sectionMood(sad)).toBe('sad');
    expect(correlation(sadThenSad.left, sadThenJoyful.left, 0, 4.7)).toBeGreaterThan(0.9999);
    expect(correlation(sadThenSad.left, sadThenJoyful.left, 7.5, 12)).toBeLessThan(0.5);
    for (const bed of [sadThenSad, sadThenJoyful]) {
      expect(rms(bed.left, 1, 10)).toBeGreaterThan(0.03);
      expect(rms(bed.right, 1, 10)).toBeGreaterThan(0.03);
    }
  });

  it('fades in and out at the episode’s ends and never clips', () => {
    // Act
    const bed = renderBed({
      episodeId: 'ep01',
      seed: 1,
      sections: [{ mood: 'angry', outline: '', durationSeconds: 4 }],
    });

    // Assess
    expect(Math.abs(bed.left[0]!)).toBe(0);
    expect(rms(bed.left, 0, 0.05)).toBeLessThan(rms(bed.left, 1.5, 2.5) / 10);
    expect(rms(bed.left, 3.95, 4)).toBeLessThan(rms(bed.left, 1.5, 2.5) / 10);
    expect(Math.max(peak(bed.left), peak(bed.right))).toBeCloseTo(0.5, 6);
  });
});
