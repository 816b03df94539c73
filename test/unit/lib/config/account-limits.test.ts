import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AccountConcurrencyTooLow,
  concurrentInvocations,
  type FanOut,
  fitFanOut,
  InvalidAccountLimit,
  NEW_ACCOUNT_LIMITS,
  withAccountLimitsFromContext,
} from '../../../../lib/config/account-limits.js';
import { ENVIRONMENTS } from '../../../../lib/config/environments.js';

describe('fitting a production to the account', () => {
  it('leaves a fan-out the account can run as the environment asks', () => {
    // Prepare
    const wanted: FanOut = { episodes: 4, scenes: 8, videoWorkers: 10 };

    // Act
    const fitted = fitFanOut(wanted, 1000);

    // Assess
    expect(fitted).toEqual(wanted);
  });

  it("fits prod's 42 functions at once into a new account's 10, scenes in flight and video workers giving way in turn", () => {
    // Prepare
    const wanted: FanOut = { episodes: 4, scenes: 8, videoWorkers: 10 };

    // Act
    const fitted = fitFanOut(wanted, 10);

    // Assess
    expect(concurrentInvocations(wanted)).toBe(42);
    expect(fitted).toEqual({ episodes: 1, scenes: 5, videoWorkers: 5 });
  });

  it('never runs more than the account allows, never raises a setting, and keeps one episode, one scene and two video workers', () => {
    // Prepare
    const cases = fc.record({
      wanted: fc.record({
        episodes: fc.integer({ min: 1, max: 40 }),
        scenes: fc.integer({ min: 1, max: 40 }),
        videoWorkers: fc.integer({ min: 2, max: 1000 }),
      }),
      concurrentExecutions: fc.integer({ min: 3, max: 3000 }),
    });

    // Act
    const property = fc.property(cases, ({ wanted, concurrentExecutions }) => {
      const fitted = fitFanOut(wanted, concurrentExecutions);
      return (
        concurrentInvocations(fitted) <= concurrentExecutions &&
        fitted.episodes >= 1 &&
        fitted.episodes <= wanted.episodes &&
        fitted.scenes >= 1 &&
        fitted.scenes <= wanted.scenes &&
        fitted.videoWorkers >= 2 &&
        fitted.videoWorkers <= wanted.videoWorkers &&
        (concurrentInvocations(wanted) > concurrentExecutions || JSON.stringify(fitted) === JSON.stringify(wanted))
      );
    });

    // Assess
    fc.assert(property, { numRuns: 500 });
  });

  it('refuses an account that cannot run one scene beside two video workers', () => {
    // Act
    const fitting = () => fitFanOut({ episodes: 1, scenes: 2, videoWorkers: 2 }, 2);

    // Assess
    expect(fitting).toThrow(AccountConcurrencyTooLow);
    expect(fitting).toThrow(/runs 2 functions at once cannot run a production, which needs 3/);
  });
});

describe('the account limits from the CDK context', () => {
  it("keeps a new account's limits when the context names none", () => {
    // Act
    const config = withAccountLimitsFromContext(ENVIRONMENTS.prod, () => undefined);

    // Assess
    expect(config.accountLimits).toEqual(NEW_ACCOUNT_LIMITS);
    expect(NEW_ACCOUNT_LIMITS).toEqual({ maxFunctionMemoryMb: 3008, concurrentExecutions: 10 });
  });

  it('raises them from -c values, which arrive as strings, and from cdk.json numbers', () => {
    // Prepare
    const fromCommandLine: Record<string, unknown> = { maxFunctionMemoryMb: '4096', accountConcurrency: '1000' };
    const fromCdkJson: Record<string, unknown> = { maxFunctionMemoryMb: 10240, accountConcurrency: 50 };

    // Act
    const raised = [fromCommandLine, fromCdkJson].map(
      (context) => withAccountLimitsFromContext(ENVIRONMENTS.prod, (key) => context[key]).accountLimits,
    );

    // Assess
    expect(raised).toEqual([
      { maxFunctionMemoryMb: 4096, concurrentExecutions: 1000 },
      { maxFunctionMemoryMb: 10240, concurrentExecutions: 50 },
    ]);
  });

  it.each([
    ['maxFunctionMemoryMb', '4GB', /context value maxFunctionMemoryMb=4GB: expected a whole number from 128 to 10240/],
    ['maxFunctionMemoryMb', '20000', /from 128 to 10240/],
    ['maxFunctionMemoryMb', 64, /from 128 to 10240/],
    ['accountConcurrency', '2', /context value accountConcurrency=2: expected a whole number of at least 3/],
    ['accountConcurrency', 'lots', /context value accountConcurrency=lots/],
  ])('refuses the context value %s=%s, naming the setting and what it accepts', (key, value, message) => {
    // Act
    const reading = () =>
      withAccountLimitsFromContext(ENVIRONMENTS.prod, (asked) => (asked === key ? value : undefined));

    // Assess
    expect(reading).toThrow(InvalidAccountLimit);
    expect(reading).toThrow(message);
  });
});
