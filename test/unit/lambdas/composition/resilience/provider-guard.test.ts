import { describe, expect, it } from 'vitest';
import { DEFAULT_GUARD_SETTINGS, ProviderGuard } from '../../../../../lambdas/composition/resilience/provider-guard.js';
import { ProviderTimeout, ProviderUnavailable } from '../../../../../lambdas/core/contracts/errors.js';

const noLimit = { take: async () => undefined };
const quick = {
  ...DEFAULT_GUARD_SETTINGS,
  attemptTimeoutMs: 30,
  initialBackoffMs: 1,
  maxBackoffMs: 2,
  breakerThreshold: 2,
  breakerHalfOpenAfterMs: 60_000,
};

describe('ProviderGuard', () => {
  it('retries an attempt that hangs past its timeout, then names the failure ProviderTimeout', async () => {
    // Prepare
    const guard = new ProviderGuard('slow', noLimit, { ...quick, breakerThreshold: 10 });
    let attempts = 0;
    const hangingCall = async (signal: AbortSignal) => {
      attempts += 1;
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 500);
        signal.addEventListener('abort', () => clearTimeout(timer));
      });
      return 'late';
    };

    // Act
    const call = guard.run(hangingCall);

    // Assess
    await expect(call).rejects.toBeInstanceOf(ProviderTimeout);
    expect(attempts).toBe(quick.maxAttempts);
  });

  it('opens the circuit after consecutive timeouts, so the next call fails without reaching the provider', async () => {
    // Prepare: two calls that time out, enough to open the circuit
    const guard = new ProviderGuard('hanging', noLimit, { ...quick, maxAttempts: 1 });
    const hang = () =>
      guard.run(
        (signal) =>
          new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
      );
    await expect(hang()).rejects.toBeInstanceOf(ProviderTimeout);
    await expect(hang()).rejects.toBeInstanceOf(ProviderTimeout);
    let reached = false;

    // Act
    const call = guard.run(async () => {
      reached = true;
      return 'ok';
    });

    // Assess
    await expect(call).rejects.toBeInstanceOf(ProviderUnavailable);
    expect(reached).toBe(false);
  });
});
