import { SIMULATED_STAGES, type SimulatedStage } from '../simulated-providers/simulation-plan.js';

/** A token bucket: `burst` requests at once, refilled at `requestsPerSecond`. */
export class RateLimiter {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly requestsPerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.refilledAt = now();
  }

  /** Milliseconds to wait before the next request may go, taking its token. */
  take(): number {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.requestsPerSecond);
    this.refilledAt = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.requestsPerSecond) * 1000;
  }
}

/**
 * How many calls scene `index` makes to a stage that averages `perScene` calls a scene:
 * whole calls, spread so that any run of scenes totals the average (1.5 -> 1, 2, 1, 2...).
 */
export function callsForScene(index: number, perScene: number): number {
  return Math.floor((index + 1) * perScene + 1e-9) - Math.floor(index * perScene + 1e-9);
}

export interface SequentialRunOptions {
  scenes: number;
  callsPerScene: Record<SimulatedStage, number>;
  /** Scaled latency of one call, ms. */
  latencyMs: Record<SimulatedStage, number>;
  requestsPerSecond: number;
}

export interface SequentialRun {
  wallMs: number;
  calls: number;
  rateLimitWaitMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The source's batch script: one scene after another, each call in turn, every call behind the rate limiter. */
export async function runSequentially(options: SequentialRunOptions): Promise<SequentialRun> {
  const limiter = new RateLimiter(options.requestsPerSecond, 1);
  const started = performance.now();
  let calls = 0;
  let rateLimitWaitMs = 0;
  for (let scene = 0; scene < options.scenes; scene++) {
    for (const stage of SIMULATED_STAGES) {
      for (let call = 0; call < callsForScene(scene, options.callsPerScene[stage]); call++) {
        const wait = limiter.take();
        rateLimitWaitMs += wait;
        if (wait > 0) await sleep(wait);
        await sleep(options.latencyMs[stage]);
        calls += 1;
      }
    }
  }
  return { wallMs: performance.now() - started, calls, rateLimitWaitMs };
}
