import { describe, expect, it } from 'vitest';
import { ProviderShares, WeightedSlots } from '../../../../lambdas/pipeline/weighted-slots.js';

/** A call that holds its slot until the test lets it go, recording the order slots were granted. */
function gate() {
  const granted: string[] = [];
  const open: (() => void)[] = [];
  const call = (slots: WeightedSlots, lane: string, weight: number) =>
    slots.hold({ lane, weight }, () => {
      granted.push(lane);
      return new Promise<void>((resolve) => open.push(resolve));
    });
  /** Lets the oldest running call finish and waits until its slot has been handed on. */
  const finishOne = async () => {
    open.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { granted, call, finishOne };
}

describe('weighted slots', () => {
  it('never runs more calls at once than its limit', async () => {
    // Prepare
    const slots = new WeightedSlots(3);
    let running = 0;
    let most = 0;
    const work = async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 2));
      running -= 1;
    };

    // Act
    await Promise.all(
      Array.from({ length: 20 }, (_, index) => slots.hold({ lane: `p${index % 4}`, weight: 1 + (index % 4) }, work)),
    );

    // Assess
    expect(most).toBe(3);
    expect(slots.snapshot()).toEqual({ held: 0, waiting: {} });
  });

  it('gives contending lanes slots in proportion to their weights', async () => {
    // Prepare: one slot, already held, and twenty calls of each lane queued behind it
    const slots = new WeightedSlots(1);
    const { granted, call, finishOne } = gate();
    const all = [call(slots, 'warm-up', 1)];
    await new Promise((resolve) => setImmediate(resolve));
    for (let index = 0; index < 20; index++) all.push(call(slots, 'high', 8), call(slots, 'low', 2));

    // Act: let twenty calls through while both lanes still queue
    for (let index = 0; index < 20; index++) await finishOne();

    // Assess: 8:2 means four of every five slots go to the heavier lane
    const contended = granted.slice(1, 21);
    expect(contended.filter((lane) => lane === 'high')).toHaveLength(16);
    expect(contended.filter((lane) => lane === 'low')).toHaveLength(4);
    while (granted.length < 41) await finishOne();
    await finishOne();
    await Promise.all(all);
  });

  it('starves no lane: the lightest lane is served within a bounded number of heavier calls', async () => {
    // Prepare
    const slots = new WeightedSlots(1);
    const { granted, call, finishOne } = gate();
    const all = [call(slots, 'warm-up', 1)];
    await new Promise((resolve) => setImmediate(resolve));
    for (let index = 0; index < 30; index++) all.push(call(slots, 'top', 10));
    all.push(call(slots, 'bottom', 1));

    // Act
    for (let index = 0; index < 31; index++) await finishOne();

    // Assess: weight 1 against weight 10 waits for about ten of the heavier calls, not for all thirty
    expect(granted.indexOf('bottom')).toBeGreaterThan(0);
    expect(granted.indexOf('bottom')).toBeLessThanOrEqual(12);
    await finishOne();
    await Promise.all(all);
  });

  it('does not let a lane that was idle claim the share it did not use', async () => {
    // Prepare: "early" runs alone for a while, then "late" arrives with the same weight
    const slots = new WeightedSlots(1);
    const { granted, call, finishOne } = gate();
    const all = [call(slots, 'early', 1)];
    await new Promise((resolve) => setImmediate(resolve));
    for (let index = 0; index < 10; index++) all.push(call(slots, 'early', 1));
    for (let index = 0; index < 5; index++) await finishOne();
    for (let index = 0; index < 6; index++) all.push(call(slots, 'late', 1));

    // Act
    for (let index = 0; index < 6; index++) await finishOne();

    // Assess: equal weights alternate from the moment both queue; "late" does not take six in a row
    expect(granted.slice(5, 11).filter((lane) => lane === 'late').length).toBeLessThanOrEqual(3);
    while (granted.length < 17) await finishOne();
    await finishOne();
    await Promise.all(all);
  });

  it('refuses a limit or a weight that is not positive', async () => {
    // Prepare
    const slots = new WeightedSlots(1);

    // Act and Assess
    expect(() => new WeightedSlots(0)).toThrow(RangeError);
    await expect(slots.hold({ lane: 'p', weight: 0 }, async () => undefined)).rejects.toThrow(RangeError);
  });
});

describe('provider shares', () => {
  it('limits a provider model by its own limit, else by its provider, and leaves other providers alone', async () => {
    // Prepare
    const shares = new ProviderShares({ 'offline/camera-motion-v1': 1, slowco: 2 });
    const peaks = new Map<string, number>();
    const running = new Map<string, number>();
    const call = (provider: string, model: string) =>
      shares.hold({ provider, model }, { lane: 'p', weight: 5 }, async () => {
        const key = `${provider}/${model}`;
        running.set(key, (running.get(key) ?? 0) + 1);
        peaks.set(key, Math.max(peaks.get(key) ?? 0, running.get(key)!));
        await new Promise((resolve) => setTimeout(resolve, 2));
        running.set(key, running.get(key)! - 1);
      });

    // Act
    await Promise.all(
      Array.from({ length: 6 }, () => [
        call('offline', 'camera-motion-v1'),
        call('slowco', 'a'),
        call('offline', 'phrasebook-v1'),
      ]).flat(),
    );

    // Assess
    expect(peaks.get('offline/camera-motion-v1')).toBe(1);
    expect(peaks.get('slowco/a')).toBe(2);
    expect(peaks.get('offline/phrasebook-v1')).toBe(6);
  });
});
