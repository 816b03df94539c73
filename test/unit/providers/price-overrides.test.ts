import { afterEach, describe, expect, it } from 'vitest';
import { priceFor } from '../../../lambdas/core/pricing.js';

afterEach(() => {
  delete process.env.DRAMAFORGE_PRICE_OVERRIDES;
});

describe('DRAMAFORGE_PRICE_OVERRIDES', () => {
  it('lays the overridden rate over the table entry, keeping its other terms such as the billing step', () => {
    const listed = priceFor('openai-compatible', 'sora-2');
    expect(listed.videoSecondsStep).toBeGreaterThan(1);
    process.env.DRAMAFORGE_PRICE_OVERRIDES = JSON.stringify({ 'openai-compatible/sora-2': { perVideoSecond: 1 } });
    expect(priceFor('openai-compatible', 'sora-2')).toEqual({ ...listed, perVideoSecond: 1 });
  });

  it('accepts every price field the table has, and refuses an unknown one', () => {
    process.env.DRAMAFORGE_PRICE_OVERRIDES = JSON.stringify({ 'openai-compatible/whisper-1': { perTranscribedAudioMinute: 0.01 } });
    expect(priceFor('openai-compatible', 'whisper-1').perTranscribedAudioMinute).toBe(0.01);
    process.env.DRAMAFORGE_PRICE_OVERRIDES = JSON.stringify({ 'offline/espeak-ng': { perBanana: 1 } });
    expect(() => priceFor('offline', 'espeak-ng')).toThrow(/DRAMAFORGE_PRICE_OVERRIDES is invalid/);
  });
});
