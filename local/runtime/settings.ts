/**
 * The embedded runtime's settings: the local counterpart of an environment's
 * config in lib/config/. Sized for a 2-core machine: two scenes at once keeps both
 * cores busy with canvas and ffmpeg without thrashing.
 */
export interface LocalSettings {
  sceneMaxConcurrency: number;
  episodeMaxConcurrency: number;
  videoWorkerMaxConcurrency: number;
  videoBatchSize: number;
  videoVisibilityTimeoutSeconds: number;
  videoMaxReceiveCount: number;
  keyframeMaxAttempts: number;
  /**
   * Calls at once by `provider/model` or provider, shared out by production priority
   * (lambdas/pipeline/weighted-slots.ts). Unset, calls are not held back here.
   */
  providerSlots?: Record<string, number>;
  /**
   * Who shares `providerSlots` out: this process (the default: its shares are exact, for the handlers in it
   * and for its source-mode workers, whose calls ask it over their channels: sandbox/slot-broker.ts), or
   * the production table, as deployed functions do (lambdas/adapters/aws/table-slots.ts).
   */
  providerSlotsSharedBy?: 'process' | 'table';
  /**
   * Worker processes source mode runs the handlers in (local/runtime/sandbox/source-worker-pool.ts).
   * Unset or 0, the handlers run in the runtime's process; `DRAMAFORGE_HANDLER_WORKERS` sets it for the CLI.
   */
  handlerWorkers?: number;
}

export const DEFAULT_LOCAL_SETTINGS: LocalSettings = {
  sceneMaxConcurrency: 2,
  episodeMaxConcurrency: 1,
  videoWorkerMaxConcurrency: 2,
  videoBatchSize: 1,
  videoVisibilityTimeoutSeconds: 120,
  videoMaxReceiveCount: 3,
  keyframeMaxAttempts: 3,
};

export const LOCAL_RESOURCE_NAMES = {
  bucket: 'dramaforge-local-assets',
  table: 'dramaforge-local-productions',
  videoQueue: 'dramaforge-local-video',
  videoDeadLetterQueue: 'dramaforge-local-video-dlq',
} as const;

/** The two state machines, as their ARNs name them locally. */
export const LOCAL_STATE_MACHINE_NAMES = {
  production: 'dramaforge-production',
  episode: 'dramaforge-episode',
} as const;

/** `DRAMAFORGE_HANDLER_WORKERS`: how many worker processes the CLI's source mode runs handlers in (0 or unset: none). */
export function handlerWorkersFrom(env: NodeJS.ProcessEnv): number | undefined {
  const value = env.DRAMAFORGE_HANDLER_WORKERS;
  if (value === undefined || value === '') return undefined;
  const workers = Number(value);
  if (!Number.isInteger(workers) || workers < 0)
    throw new RangeError(`DRAMAFORGE_HANDLER_WORKERS must be a whole number of worker processes, not "${value}"`);
  return workers;
}
