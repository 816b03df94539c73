import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type HeldCall, ProviderSlots, slotStats } from '../../../../bench/simulated-providers/provider-slots.js';
import {
  simulationFor,
  simulationLoad,
  withSimulatedProviders,
} from '../../../../bench/simulated-providers/simulated-providers.js';
import { parseSimulationPlan } from '../../../../bench/simulated-providers/simulation-plan.js';
import type { BoundProviders } from '../../../../lambdas/core/contracts/bound-providers.js';
import type { SpeechRequest } from '../../../../lambdas/core/contracts/ports.js';
import { ownWorkDir } from '../../../support/work-dir.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ProviderSlots', () => {
  it('never lets more than the limit run at once, and counts busy and queued time', async () => {
    // Prepare
    let clock = 0;
    const held: HeldCall[] = [];
    const slots = new ProviderSlots(
      2,
      (call) => held.push(call),
      () => clock,
    );
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
    const stats = slotStats(held);

    // Assess
    expect(most).toBe(2);
    expect(stats.calls).toBe(5);
    expect(stats.busyMs).toBeGreaterThanOrEqual(50);
    expect(stats.waitMs).toBeGreaterThan(0);
  });

  it('frees the slot when the work fails', async () => {
    // Prepare: the only slot, held by work that fails
    const slots = new ProviderSlots(1, () => undefined);
    await expect(slots.hold(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');

    // Act
    const next = slots.hold(async () => 'next');

    // Assess
    await expect(next).resolves.toBe('next');
  });
});

describe('simulationLoad', () => {
  it("sums the calls every process logged to the plan's call log", async () => {
    // Prepare: this process holds one video slot; another process, as a worker would, logs a second call
    const callLog = path.join(await ownWorkDir('simulation'), 'calls.jsonl');
    const simulation = simulationFor(
      JSON.stringify({
        timeScale: 1,
        latencyMs: { script: 0, image: 0, speech: 0, video: 0 },
        concurrency: { script: 1, image: 1, speech: 1, video: 1 },
        callLog,
      }),
    );
    await simulation.slots.video.hold(async () => undefined);
    const otherCall = { stage: 'video', queuedAt: 1_000, startedAt: 1_500, endedAt: 6_000 };
    execFileSync(process.execPath, [
      '-e',
      `require('node:fs').appendFileSync(${JSON.stringify(callLog)}, ${JSON.stringify(`${JSON.stringify(otherCall)}\n`)})`,
    ]);

    // Act
    const load = simulationLoad(simulation);

    // Assess
    expect(load.video.calls).toBe(2);
    expect(load.video.busyMs).toBeGreaterThanOrEqual(4_500);
    expect(load.video.waitMs).toBeGreaterThanOrEqual(500);
    expect(load.script.calls).toBe(0);
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

describe('the stand-in speech', () => {
  it('lasts as long as its line takes to say, and is the same hum whatever lines came before it', async () => {
    // Prepare: ten characters a second, no waiting
    const simulation = simulationFor(
      JSON.stringify({
        timeScale: 1,
        latencyMs: { script: 0, image: 0, speech: 0, video: 0 },
        concurrency: { script: 1, image: 1, speech: 1, video: 1 },
        speechCharactersPerSecond: 10,
      }),
    );
    const offline = { provider: 'offline', model: 'offline-model', port: {} };
    const { speech } = withSimulatedProviders(
      { text: offline, image: offline, speech: offline, video: offline } as unknown as BoundProviders,
      simulation,
    );
    const say = async (characters: number) =>
      (
        await speech.port.speak({
          text: 'a'.repeat(characters),
          language: 'en',
          characterId: 'ana',
        } as SpeechRequest)
      ).result;
    const samplesOf = (wav: Buffer) => new Int16Array(wav.buffer, wav.byteOffset + 44, (wav.length - 44) / 2);

    // Act: a short line, a longer one, then the short one again
    const short = await say(10);
    const long = await say(35);
    const shortAgain = await say(10);

    // Assess
    expect([short.durationSeconds, long.durationSeconds]).toEqual([1, 3.5]);
    expect(shortAgain.wav.equals(short.wav)).toBe(true);
    const shortSamples = samplesOf(short.wav);
    expect([...samplesOf(long.wav).subarray(0, shortSamples.length)]).toEqual([...shortSamples]);
    // A hum QA hears as speech, not silence, to the end of the longer line.
    const tail = samplesOf(long.wav).subarray(-2000);
    expect(Math.max(...tail.map(Math.abs))).toBeGreaterThan(3000);
  });
});
