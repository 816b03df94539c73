import { describe, expect, it } from 'vitest';
import { orchestrationBound, utilisation } from '../../../../bench/orchestration/orchestration-bound.js';
import { callsForScene, RateLimiter } from '../../../../bench/orchestration/sequential-baseline.js';

describe('orchestrationBound', () => {
  it('is the busiest provider spread over its slots plus one average scene passing every stage', () => {
    // Prepare
    const providers = {
      script: { calls: 1500, latencyMs: 800, concurrency: 50, busyMs: 0 },
      image: { calls: 3000, latencyMs: 1200, concurrency: 20, busyMs: 0 },
      speech: { calls: 4500, latencyMs: 600, concurrency: 20, busyMs: 0 },
      video: { calls: 1500, latencyMs: 4500, concurrency: 10, busyMs: 0 },
    };

    // Act
    const bound = orchestrationBound(providers, 1500, 0.1);

    // Assess
    expect(bound.limitingProvider).toBe('video');
    expect(bound.throughputMs).toBeCloseTo((1500 * 450) / 10, 6);
    // 80 + 2 x 120 + 3 x 60 + 450
    expect(bound.criticalPathMs).toBeCloseTo(950, 6);
    expect(bound.boundMs).toBeCloseTo(67_500 + 950, 6);
  });

  it('names the provider with the most work per slot, not the slowest call', () => {
    // Prepare
    const providers = {
      image: { calls: 1000, latencyMs: 1200, concurrency: 2, busyMs: 0 },
      video: { calls: 100, latencyMs: 4500, concurrency: 10, busyMs: 0 },
    };

    // Act
    const bound = orchestrationBound(providers, 100, 1);

    // Assess
    expect(bound.limitingProvider).toBe('image');
    expect(bound.throughputMs).toBe(600_000);
  });

  it('refuses a run without scenes', () => {
    // Act
    const withoutScenes = () => orchestrationBound({}, 0, 1);

    // Assess
    expect(withoutScenes).toThrow(RangeError);
  });
});

describe('utilisation', () => {
  it('is busy time over every slot for the whole window', () => {
    // Act
    const manySlots = utilisation({ busyMs: 9_000, concurrency: 10 }, 1_000);
    const oneSlot = utilisation({ busyMs: 500, concurrency: 1 }, 1_000);
    const emptyWindow = () => utilisation({ busyMs: 1, concurrency: 1 }, 0);

    // Assess
    expect(manySlots).toBeCloseTo(0.9, 9);
    expect(oneSlot).toBeCloseTo(0.5, 9);
    expect(emptyWindow).toThrow(RangeError);
  });
});

describe('callsForScene', () => {
  it('spreads a fractional average over whole calls that add up to it', () => {
    // Prepare
    const perScene = 1.4;

    // Act
    const calls = Array.from({ length: 10 }, (_, index) => callsForScene(index, perScene));
    const wholeCalls = Array.from({ length: 7 }, (_, i) => callsForScene(i, 3));

    // Assess
    expect(calls.filter((n) => !(n === 1 || n === 2))).toEqual([]);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(14);
    expect(wholeCalls).toEqual([3, 3, 3, 3, 3, 3, 3]);
  });
});

describe('RateLimiter', () => {
  it('lets a burst through, then spaces requests at the rate', () => {
    // Prepare
    let now = 0;
    const limiter = new RateLimiter(2, 2, () => now);

    // Act
    const first = limiter.take();
    const second = limiter.take();
    const third = limiter.take();
    now = 2_000;
    const afterRefill = limiter.take();

    // Assess
    expect(first).toBe(0);
    expect(second).toBe(0);
    expect(third).toBeCloseTo(500, 9);
    expect(afterRefill).toBe(0);
  });
});
