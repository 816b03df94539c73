import { describe, expect, it } from 'vitest';
import { ProviderSlots } from '../../../../bench/simulated-providers/provider-slots.js';
import { parseSimulationPlan } from '../../../../bench/simulated-providers/simulation-plan.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ProviderSlots', () => {
  it('never lets more than the limit run at once, and counts busy and queued time', async () => {
    // Prepare
    let clock = 0;
    const slots = new ProviderSlots(2, () => clock);
    let running = 0;
    let most = 0;
    const call = () =>
      slots.hold(async () => {
        running += 1;
        most = Math.max(most, running);
        await sleep(5);
        clock += 10;
        running -= 1;
      });

    // Act
    await Promise.all([call(), call(), call(), call(), call()]);
    const stats = slots.snapshot();

    // Assess
    expect(most).toBe(2);
    expect(stats.calls).toBe(5);
    expect(stats.busyMs).toBeGreaterThanOrEqual(50);
    expect(stats.waitMs).toBeGreaterThan(0);
  });

  it('frees the slot when the work fails', async () => {
    // Prepare: the only slot, held by work that fails
    const slots = new ProviderSlots(1);
    await expect(slots.hold(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');

    // Act
    const next = slots.hold(async () => 'next');

    // Assess
    await expect(next).resolves.toBe('next');
  });
});

describe('parseSimulationPlan', () => {
  const plan = {
    timeScale: 0.1,
    latencyMs: { script: 800, image: 1200, speech: 600, video: 4500 },
    concurrency: { script: 50, image: 20, speech: 20, video: 10 },
  };

  it('reads a plan with a latency and a concurrency for every simulated stage', () => {
    // Act
    const parsed = parseSimulationPlan(JSON.stringify(plan));

    // Assess
    expect(parsed.speechCharactersPerSecond).toBe(15);
  });

  it('needs a positive concurrency for every simulated stage', () => {
    // Prepare
    const text = JSON.stringify({ ...plan, concurrency: { ...plan.concurrency, video: 0 } });

    // Act
    const parse = () => parseSimulationPlan(text);

    // Assess
    expect(parse).toThrow(/concurrency.video/);
  });

  it('needs a latency for every simulated stage', () => {
    // Prepare
    const text = JSON.stringify({ ...plan, latencyMs: { script: 800 } });

    // Act
    const parse = () => parseSimulationPlan(text);

    // Assess
    expect(parse).toThrow(/simulation plan is invalid/);
  });
});
