import { afterEach, describe, expect, it } from 'vitest';
import { priceFor } from '../../../../../lambdas/core/pricing/pricing.js';

afterEach(() => {
  delete process.env.DRAMAFORGE_PRICE_OVERRIDES;
});

describe('DRAMAFORGE_PRICE_OVERRIDES', () => {
  it('lays the overridden rate over the table entry, keeping its other terms such as the billing step', () => {
    // Prepare
    const listed = priceFor('openai-compatible', 'sora-2');
    expect(listed.videoSecondsStep).toBeGreaterThan(1);
    process.env.DRAMAFORGE_PRICE_OVERRIDES = JSON.stringify({ 'openai-compatible/sora-2': { perVideoSecond: 1 } });

    // Act
    const overridden = priceFor('openai-compatible', 'sora-2');

    // Assess
    expect(overridden).toEqual({ ...listed, perVideoSecond: 1 });
  });

  it('accepts every price field the table has', () => {
    // Prepare
    process.env.DRAMAFORGE_PRICE_OVERRIDES = JSON.stringify({
      'openai-compatible/whisper-1': { perTranscribedAudioMinute: 0.01 },
    });

    // Act
    const price = priceFor('openai-compatible', 'whisper-1');

    // Assess
    expect(price.perTranscribedAudioMinute).toBe(0.01);
  });

  it('refuses an unknown price field', () => {
    // Prepare
    process.env.DRAMAFORGE_PRICE_OVERRIDES = JSON.stringify({ 'offline/espeak-ng': { perBanana: 1 } });

    // Act
    const read = () => priceFor('offline', 'espeak-ng');

    // Assess
    expect(read).toThrow(/DRAMAFORGE_PRICE_OVERRIDES is invalid/);
  });
});
