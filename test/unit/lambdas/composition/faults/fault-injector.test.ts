import { describe, expect, it } from 'vitest';
import {
  FaultInjector,
  type InjectedFault,
  withFaults,
} from '../../../../../lambdas/composition/faults/fault-injector.js';
import { parseFaultPlan } from '../../../../../lambdas/composition/faults/fault-plan.js';
import { DEFAULT_GUARD_SETTINGS } from '../../../../../lambdas/composition/resilience/provider-guard.js';
import type { BoundPorts } from '../../../../../lambdas/core/contracts/bound-providers.js';
import { ProviderTimeout, ProviderUnavailable } from '../../../../../lambdas/core/contracts/errors.js';

const quick = { ...DEFAULT_GUARD_SETTINGS, initialBackoffMs: 1, maxBackoffMs: 2 };

function injector(spec: string) {
  const faults: InjectedFault[] = [];
  return { faults, injector: new FaultInjector(parseFaultPlan(spec), (fault) => faults.push(fault), quick) };
}

describe('FaultInjector', () => {
  it('retries a fault it injected in process, as the guard retries a real one, before the workflow sees it', async () => {
    // Prepare: the first draw for this request fails, a later one passes
    const { injector: faulty, faults } = injector('error=0.5,seed=3');
    let reached = 0;
    const score = faulty.wrap(
      'image',
      'score',
      'offline',
      async (_request: { n: number }, _options?: { idempotencyKey?: string }) => {
        reached += 1;
        return 0.9;
      },
    );
    const requests = Array.from({ length: 20 }, (_, n) => ({ n }));

    // Act
    const outcomes = await Promise.allSettled(
      requests.map((request) => score(request, { idempotencyKey: `consistency#${request.n}` })),
    );

    // Assess: at one in two, twenty calls draw faults, and only a call whose every attempt failed gets out
    expect(faults.length).toBeGreaterThan(0);
    const escaped = outcomes.filter((outcome) => outcome.status === 'rejected').length;
    const keysFailedEveryAttempt = new Set(
      requests
        .map((r) => `consistency#${r.n}`)
        .filter((key) => faults.filter((f) => f.idempotencyKey === key).length === quick.maxAttempts),
    );
    expect(escaped).toBe(keysFailedEveryAttempt.size);
    expect(escaped).toBeLessThan(faults.length);
    expect(reached).toBe(requests.length - escaped);
  });

  it("gives up after the guard's attempts, with the fault the provider would have answered", async () => {
    // Prepare
    const { injector: faulty, faults } = injector('timeout=1');
    const draw = faulty.wrap('image', 'drawKeyframe', 'offline', async () => 'keyframe');

    // Act
    const call = draw();

    // Assess
    await expect(call).rejects.toBeInstanceOf(ProviderTimeout);
    expect(faults.map((f) => f.kind)).toEqual(Array(quick.maxAttempts).fill('timeout'));
  });

  it('leaves a real provider failure to the guard that made the call, so it is not retried twice', async () => {
    // Prepare
    const { injector: faulty } = injector('error=0');
    let attempts = 0;
    const speak = faulty.wrap('speech', 'speak', 'openai-compatible', async () => {
      attempts += 1;
      throw new ProviderUnavailable('openai-compatible answered 503');
    });

    // Act
    const call = speak();

    // Assess
    await expect(call).rejects.toBeInstanceOf(ProviderUnavailable);
    expect(attempts).toBe(1);
  });

  it('wraps only the ports a stage was bound, and keeps lip-sync, which has no role to fail by, as it came', async () => {
    // Prepare
    const { injector: faulty, faults } = injector('video.error=1');
    const lipSync = {
      port: { syncLips: async () => ({ result: {} }) },
      provider: 'offline',
      model: 'painted-mouths-v1',
    };
    const video = {
      port: { renderClip: async () => ({ result: {} }) },
      provider: 'offline',
      model: 'camera-motion-v1',
    };
    const providers = { lipSync, video } as unknown as BoundPorts<'lipSync' | 'video'>;

    // Act
    const wrapped = withFaults(providers, faulty);
    const rendered = ('renderClip' in wrapped.video.port ? wrapped.video.port.renderClip : undefined)?.(
      {} as never,
      {},
    );

    // Assess
    expect(Object.keys(wrapped).sort()).toEqual(['lipSync', 'video']);
    expect(wrapped.lipSync).toBe(lipSync);
    await expect(rendered).rejects.toThrow();
    expect(faults.map((fault) => fault.operation)).toContain('renderClip');
  });
});
