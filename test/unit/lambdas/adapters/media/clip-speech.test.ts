import { describe, expect, it } from 'vitest';
import { clipSpeech } from '../../../../../lambdas/adapters/media/clip-speech.js';
import { generatedMp4 } from '../../../../support/fake-openai-server.js';

const BURSTS = [
  { startSeconds: 0.4, endSeconds: 1.4 },
  { startSeconds: 1.9, endSeconds: 3.3 },
];
/** silencedetect measures in audio frames and AAC smears an edge by a frame or two. */
const TOLERANCE_SECONDS = 0.06;

describe('the speech in a rendered clip', () => {
  it('is measured where the clip sounds, between its pauses, and its audio becomes a mono voice track of its length', async () => {
    // Prepare
    const mp4 = await generatedMp4(4, '64x112', BURSTS);

    // Act
    const measured = await clipSpeech(mp4);

    // Assess
    expect(measured).toBeDefined();
    expect(measured!.durationSeconds).toBeCloseTo(4, 1);
    expect(measured!.wav.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(measured!.speech).toHaveLength(BURSTS.length);
    measured!.speech.forEach((span, index) => {
      expect(Math.abs(span.startSeconds - BURSTS[index]!.startSeconds), `burst ${index} start`).toBeLessThan(
        TOLERANCE_SECONDS,
      );
      expect(Math.abs(span.endSeconds - BURSTS[index]!.endSeconds), `burst ${index} end`).toBeLessThan(
        TOLERANCE_SECONDS,
      );
    });
  });

  it('is absent from a clip with no audio track', async () => {
    // Prepare
    const mp4 = await generatedMp4(2, '64x112');

    // Act
    const measured = await clipSpeech(mp4);

    // Assess
    expect(measured).toBeUndefined();
  });
});
