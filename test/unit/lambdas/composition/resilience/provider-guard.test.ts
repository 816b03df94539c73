import { describe, expect, it } from 'vitest';
import { DEFAULT_GUARD_SETTINGS, ProviderGuard } from '../../../../../lambdas/composition/resilience/provider-guard.js';
import { ProviderTimeout, ProviderUnavailable } from '../../../../../lambdas/core/contracts/errors.js';
import type { AttemptLedger } from '../../../../../lambdas/core/contracts/ports.js';

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

  it('asks before sending again after an unanswered attempt, retries a lookup that fails, and never takes its failure as "none"', async () => {
    // Prepare: a ledger that knows of an unanswered attempt; a lookup that fails once, then finds the request
    const told: string[] = [];
    const ledger: AttemptLedger = {
      beforeAttempt: async () => void told.push('hold'),
      failed: async () => void told.push('failed'),
      unansweredSince: () => new Date(0),
      foundEarlier: async () => void told.push('found'),
      noneEarlier: async () => void told.push('none'),
    };
    const guard = new ProviderGuard('asked', noLimit, { ...quick, breakerThreshold: 10 });
    let lookups = 0;
    let sent = 0;

    // Act
    const answer = await guard.run(
      async () => {
        sent += 1;
        return 'bought again';
      },
      ledger,
      async () => {
        lookups += 1;
        if (lookups === 1) throw new ProviderUnavailable('asked: 503');
        return 'the earlier request';
      },
    );

    // Assess: nothing sent, nothing held; the ledger told only that the earlier request was found
    expect(answer).toBe('the earlier request');
    expect(lookups).toBe(2);
    expect(sent).toBe(0);
    expect(told).toEqual(['found']);
  });
});
