import type { AccountLimits, EnvironmentConfig } from './environment-config.js';

/**
 * A new AWS account's Lambda quotas: function memory capped at 3,008 MB and 10 functions running
 * at once. A first deploy may well be to such an account, so every environment fits them by default.
 */
export const NEW_ACCOUNT_LIMITS: AccountLimits = { maxFunctionMemoryMb: 3008, concurrentExecutions: 10 };

/** The CDK context keys that raise the limits (`cdk deploy -c maxFunctionMemoryMb=4096 -c accountConcurrency=1000`). */
const ACCOUNT_LIMIT_CONTEXT = {
  maxFunctionMemoryMb: 'maxFunctionMemoryMb',
  concurrentExecutions: 'accountConcurrency',
} as const;

/** Lambda's own bounds on a function's memory. */
const FUNCTION_MEMORY_MB = { min: 128, max: 10_240 };

/** SQS event sources accept no maximum concurrency below 2. */
const MIN_VIDEO_WORKERS = 2;

/** The narrowest a production can run: one episode, one scene, and the video workers SQS requires. */
const NARROWEST_FAN_OUT: FanOut = { episodes: 1, scenes: 1, videoWorkers: MIN_VIDEO_WORKERS };

/** A context value that is not a usable limit. */
export class InvalidAccountLimit extends Error {
  override readonly name = 'InvalidAccountLimit';
}

/** An account too small for even the narrowest production: one episode, one scene, two video workers. */
export class AccountConcurrencyTooLow extends Error {
  override readonly name = 'AccountConcurrencyTooLow';
}

/** How widely one production runs at once. */
export interface FanOut {
  /** Episodes produced at once. */
  episodes: number;
  /** Scenes produced at once within each episode. */
  scenes: number;
  /** Video worker invocations at once. */
  videoWorkers: number;
}

/**
 * The most Lambda functions one production runs at once: each of its scenes in flight runs one
 * stage at a time, and the video worker runs beside them. Everything else in a production runs
 * when no scene does (an episode's planning, dialogue and assembly; the production's own steps).
 */
export function concurrentInvocations(fanOut: FanOut): number {
  return fanOut.episodes * fanOut.scenes + fanOut.videoWorkers;
}

/** The fan-out the environment runs with when the account allows it. */
export function configuredFanOut(config: EnvironmentConfig): FanOut {
  return {
    episodes: config.workflow.episodeMaxConcurrency,
    scenes: config.workflow.sceneMaxConcurrency,
    videoWorkers: config.videoWorker.maxConcurrency,
  };
}

/**
 * The environment's fan-out, lowered until one production fits the account's concurrency. Whichever
 * is larger gives way first, the scenes in flight or the video workers, so neither starves the
 * other; among the scenes, episodes go before scenes per episode, so each episode still finishes soon.
 */
export function fitFanOut(wanted: FanOut, concurrentExecutions: number): FanOut {
  const narrowest = concurrentInvocations(NARROWEST_FAN_OUT);
  if (narrowest > concurrentExecutions) {
    throw new AccountConcurrencyTooLow(
      `an account that runs ${concurrentExecutions} functions at once cannot run a production, which needs ${narrowest} (one scene and ${MIN_VIDEO_WORKERS} video workers)`,
    );
  }
  let fanOut = wanted;
  while (concurrentInvocations(fanOut) > concurrentExecutions) {
    const scenesInFlight = fanOut.episodes * fanOut.scenes;
    const scenesGiveWay =
      scenesInFlight > 1 && (scenesInFlight >= fanOut.videoWorkers || fanOut.videoWorkers === MIN_VIDEO_WORKERS);
    if (!scenesGiveWay) fanOut = { ...fanOut, videoWorkers: fanOut.videoWorkers - 1 };
    else if (fanOut.episodes > 1) fanOut = { ...fanOut, episodes: fanOut.episodes - 1 };
    else fanOut = { ...fanOut, scenes: fanOut.scenes - 1 };
  }
  return fanOut;
}

/** A function's memory: what its stage or environment asks for, at most what the account allows. */
export function functionMemoryMb(wanted: number, limits: AccountLimits): number {
  return Math.min(wanted, limits.maxFunctionMemoryMb);
}

/**
 * The environment with the limits the CDK context raises or lowers (values from `-c` arrive as
 * strings, from cdk.json as numbers); without them, its own.
 */
export function withAccountLimitsFromContext(
  config: EnvironmentConfig,
  tryGetContext: (key: string) => unknown,
): EnvironmentConfig {
  const memory = contextLimit(tryGetContext, ACCOUNT_LIMIT_CONTEXT.maxFunctionMemoryMb, FUNCTION_MEMORY_MB);
  const concurrency = contextLimit(tryGetContext, ACCOUNT_LIMIT_CONTEXT.concurrentExecutions, {
    min: concurrentInvocations(NARROWEST_FAN_OUT),
  });
  return {
    ...config,
    accountLimits: {
      maxFunctionMemoryMb: memory ?? config.accountLimits.maxFunctionMemoryMb,
      concurrentExecutions: concurrency ?? config.accountLimits.concurrentExecutions,
    },
  };
}

function contextLimit(
  tryGetContext: (key: string) => unknown,
  key: string,
  bounds: { min: number; max?: number },
): number | undefined {
  const value = tryGetContext(key);
  if (value === undefined) return undefined;
  const limit = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  const { min, max = Number.MAX_SAFE_INTEGER } = bounds;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < min || limit > max) {
    const expected = bounds.max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new InvalidAccountLimit(`context value ${key}=${String(value)}: expected a whole number ${expected}`);
  }
  return limit;
}
