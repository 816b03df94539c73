/** One simulated provider as the run saw it. */
export interface ProviderLoad {
  calls: number;
  /** Real-world latency of one call, before the time scale. */
  latencyMs: number;
  concurrency: number;
  /** Sum over calls of the time a slot was held, in scaled (measured) ms. */
  busyMs: number;
}

export interface OrchestrationBound {
  /** The provider whose work, spread over its slots, takes longest. */
  limitingProvider: string;
  /** That provider's calls x scaled latency / concurrency. */
  throughputMs: number;
  /** One average scene's calls one after another at scaled latency. */
  criticalPathMs: number;
  boundMs: number;
}

/**
 * The fastest any orchestration could finish: the busiest provider works without a
 * gap from start to end, and the last scene still has to pass through every stage.
 * Calls, not scenes, are counted, because a scene can make several calls to a stage
 * (a keyframe redrawn, one speech call a line).
 */
export function orchestrationBound(
  providers: Record<string, ProviderLoad>,
  scenes: number,
  timeScale: number,
): OrchestrationBound {
  if (scenes <= 0) throw new RangeError('a bound needs at least one scene');
  let limitingProvider = '';
  let throughputMs = -1;
  let criticalPathMs = 0;
  for (const [name, load] of Object.entries(providers)) {
    const scaledLatency = load.latencyMs * timeScale;
    const spread = (load.calls * scaledLatency) / load.concurrency;
    if (spread > throughputMs) {
      throughputMs = spread;
      limitingProvider = name;
    }
    criticalPathMs += (load.calls / scenes) * scaledLatency;
  }
  return { limitingProvider, throughputMs, criticalPathMs, boundMs: throughputMs + criticalPathMs };
}

/** The share of the window during which a provider's slots were busy, 0..1. */
export function utilisation(load: Pick<ProviderLoad, 'busyMs' | 'concurrency'>, windowMs: number): number {
  if (windowMs <= 0) throw new RangeError('the window must be positive');
  return load.busyMs / (load.concurrency * windowMs);
}
