/** One call as a provider's slots saw it: when it asked for a slot, got one, and gave it back (wall-clock ms). */
export interface HeldCall {
  queuedAt: number;
  startedAt: number;
  endedAt: number;
}

/** What a provider's slots did: how many calls, how long slots were held, how long callers queued for one. */
export interface SlotStats {
  calls: number;
  busyMs: number;
  waitMs: number;
  /** Wall-clock ms of the first slot taken and the last released (0 when none). */
  firstStartMs: number;
  lastEndMs: number;
}

/** The calls' totals, from whichever processes made them. */
export function slotStats(calls: readonly HeldCall[]): SlotStats {
  if (calls.length === 0) return { calls: 0, busyMs: 0, waitMs: 0, firstStartMs: 0, lastEndMs: 0 };
  let busyMs = 0;
  let waitMs = 0;
  let firstStartMs = Number.POSITIVE_INFINITY;
  let lastEndMs = 0;
  for (const call of calls) {
    busyMs += call.endedAt - call.startedAt;
    waitMs += call.startedAt - call.queuedAt;
    firstStartMs = Math.min(firstStartMs, call.startedAt);
    lastEndMs = Math.max(lastEndMs, call.endedAt);
  }
  return { calls: calls.length, busyMs, waitMs, firstStartMs, lastEndMs };
}

/**
 * A provider's concurrency limit: at most `limit` calls hold a slot at once, the rest
 * queue in arrival order. Each call is told to `record` once it gives its slot back, so a
 * benchmark can report utilisation, summed over every process that called.
 */
export class ProviderSlots {
  private held = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly limit: number,
    private readonly record: (call: HeldCall) => void,
    private readonly now: () => number = Date.now,
  ) {}

  async hold<T>(work: () => Promise<T>): Promise<T> {
    const queuedAt = this.now();
    if (this.held >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.held += 1;
    const startedAt = this.now();
    try {
      return await work();
    } finally {
      this.record({ queuedAt, startedAt, endedAt: this.now() });
      // The slot passes straight to the next caller, so `held` only drops when nobody waits.
      const next = this.waiting.shift();
      if (next) next();
      else this.held -= 1;
    }
  }
}
