import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  ConsecutiveBreaker,
  circuitBreaker,
  DelegateBackoff,
  ExponentialBackoff,
  handleWhen,
  type IBackoff,
  type IPolicy,
  type IRetryBackoffContext,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import { ProviderThrottled, ProviderTimeout, ProviderUnavailable } from '../../core/contracts/errors.js';
import type {
  AttemptLedger,
  EarlierRequestLookup,
  ProviderCallGuard,
  RateLimiter,
} from '../../core/contracts/ports.js';

export interface GuardSettings {
  /** Attempts per call in this process, the first included. */
  maxAttempts: number;
  /** Each attempt is abandoned after this long. */
  attemptTimeoutMs: number;
  /** A Retry-After longer than this is not waited out in a Lambda: the workflow's Retry takes over. */
  maxRetryAfterMs: number;
  /** Calls at once to this provider from one process. */
  concurrency: number;
  /** Consecutive failures (5xx, timeouts) that open the circuit, and how long it stays open. */
  breakerThreshold: number;
  breakerHalfOpenAfterMs: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_GUARD_SETTINGS: GuardSettings = {
  maxAttempts: 3,
  attemptTimeoutMs: 120_000,
  maxRetryAfterMs: 20_000,
  concurrency: 4,
  breakerThreshold: 5,
  breakerHalfOpenAfterMs: 30_000,
  initialBackoffMs: 500,
  maxBackoffMs: 10_000,
};

const retryAfterMs = (error: unknown) =>
  error instanceof ProviderThrottled && error.retryAfterSeconds !== undefined
    ? error.retryAfterSeconds * 1000
    : undefined;

/**
 * The backoff between attempts: exponential with decorrelated jitter (cockatiel's
 * default generator), but never shorter than the provider's Retry-After.
 */
function retryAfterAwareBackoff(settings: GuardSettings) {
  const exponential = new ExponentialBackoff({
    initialDelay: settings.initialBackoffMs,
    maxDelay: settings.maxBackoffMs,
  });
  return new DelegateBackoff<IRetryBackoffContext<unknown>, IBackoff<unknown>>((context, previous) => {
    const jittered = (previous ?? exponential).next(undefined);
    const error = 'error' in context.result ? context.result.error : undefined;
    return { delay: Math.max(jittered.duration, retryAfterMs(error) ?? 0), state: jittered };
  });
}

/**
 * The guard's in-process retries, for the failures `isTransient` names: exponential backoff with
 * jitter, never shorter than a Retry-After. A throttle that asks for longer than
 * `maxRetryAfterMs` is left to the workflow's Retry.
 */
export function inProcessRetry(settings: GuardSettings, isTransient: (error: unknown) => boolean) {
  return retry(
    handleWhen(
      (error) =>
        (error instanceof ProviderThrottled && (retryAfterMs(error) ?? 0) <= settings.maxRetryAfterMs) ||
        ((error instanceof ProviderUnavailable ||
          error instanceof ProviderTimeout ||
          error instanceof TaskCancelledError) &&
          isTransient(error)),
    ),
    { maxAttempts: settings.maxAttempts - 1, backoff: retryAfterAwareBackoff(settings) },
  );
}

/**
 * Everything between a port and a provider's API, per provider and per process:
 * a bulkhead (calls at once), retry with jitter honouring Retry-After, a circuit
 * breaker over the provider's own failures, a timeout per attempt, and a permit
 * from the shared rate limiter before every attempt. Library errors come out as the
 * named Provider* errors the router and the state machine understand.
 */
export class ProviderGuard implements ProviderCallGuard {
  /** Around the whole call: calls at once, and the in-process retries. */
  private readonly retries: IPolicy;
  /** Around each attempt: the breaker and the attempt's timeout. */
  private readonly attempt: IPolicy;

  constructor(
    readonly provider: string,
    private readonly rateLimiter: RateLimiter,
    private readonly settings: GuardSettings = DEFAULT_GUARD_SETTINGS,
  ) {
    const providerFault = handleWhen(
      (error) =>
        error instanceof ProviderUnavailable || error instanceof ProviderTimeout || error instanceof TaskCancelledError,
    );
    this.retries = wrap(
      bulkhead(settings.concurrency, Number.MAX_SAFE_INTEGER),
      // Every 5xx and timeout is worth another try, the guard's own per-attempt timeout (TaskCancelledError) included.
      inProcessRetry(settings, () => true),
    );
    this.attempt = wrap(
      circuitBreaker(providerFault, {
        halfOpenAfter: settings.breakerHalfOpenAfterMs,
        breaker: new ConsecutiveBreaker(settings.breakerThreshold),
      }),
      timeout(settings.attemptTimeoutMs, TimeoutStrategy.Aggressive),
    );
  }

  /**
   * Each attempt is held on the ledger before it is sent and closed when it fails, outside the
   * attempt's timeout, so an attempt abandoned at the timeout is closed too (as unconfirmed).
   * After an attempt that got no answer, and before a call whose earlier attempts got none,
   * `lookUp` asks the provider first: a request it has is followed, not bought again. The
   * lookup buys nothing, so it holds nothing; it has the attempt's timeout, breaker and permit.
   */
  async run<T>(
    call: (signal: AbortSignal) => Promise<T>,
    attempts?: AttemptLedger,
    lookUp?: EarlierRequestLookup<T>,
  ): Promise<T> {
    try {
      return await this.retries.execute(async ({ signal }) => {
        const sentSince = lookUp && attempts?.unansweredSince();
        if (sentSince) {
          const found = await this.attempt.execute(async ({ signal: lookUpSignal }) => {
            await this.rateLimiter.take(this.provider);
            return lookUp(lookUpSignal, sentSince);
          }, signal);
          if (found !== undefined) {
            await attempts!.foundEarlier();
            return found;
          }
          await attempts!.noneEarlier();
        }
        await attempts?.beforeAttempt();
        try {
          return await this.attempt.execute(async ({ signal: attemptSignal }) => {
            await this.rateLimiter.take(this.provider);
            return call(attemptSignal);
          }, signal);
        } catch (error) {
          await attempts?.failed(this.named(error));
          throw error;
        }
      });
    } catch (error) {
      throw this.named(error);
    }
  }

  private named(error: unknown): unknown {
    if (error instanceof BrokenCircuitError)
      return new ProviderUnavailable(`${this.provider}: circuit open after repeated failures`);
    if (error instanceof TaskCancelledError)
      return new ProviderTimeout(`${this.provider}: no answer within ${this.settings.attemptTimeoutMs} ms`);
    if (error instanceof BulkheadRejectedError)
      return new ProviderThrottled(`${this.provider}: too many calls at once in this process`, 1);
    return error;
  }
}
