/** What a provider's slots did: how many calls, how long slots were held, how long callers queued for one. */
export interface SlotStats {
  calls: number;
  busyMs: number;
  waitMs: number;
  /** Wall-clock ms of the first slot taken and the last released (0 when none). */
  firstStartMs: number;
  lastEndMs: number;
}

/**
 * A provider's concurrency limit: at most `limit` calls hold a slot at once, the rest
 * queue in arrival order. It counts slot busy time so a benchmark can report utilisation.
 */
export class ProviderSlots {
  private held = 0;
  private readonly waiting: (() => void)[] = [];
  private stats: SlotStats = { calls: 0, busyMs: 0, waitMs: 0, firstStartMs: 0, lastEndMs: 0 };

  constructor(
    readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  async hold<T>(work: () => Promise<T>): Promise<T> {
    const queuedAt = this.now();
    if (this.held >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.held += 1;
    const startedAt = this.now();
    this.stats.waitMs += startedAt - queuedAt;
    if (this.stats.calls === 0) this.stats.firstStartMs = startedAt;
    this.stats.calls += 1;
    try {
      return await work();
    } finally {
      const endedAt = this.now();
      this.stats.busyMs += endedAt - startedAt;
      this.stats.lastEndMs = Math.max(this.stats.lastEndMs, endedAt);
      // The slot passes straight to the next caller, so `held` only drops when nobody waits.
      const next = this.waiting.shift();
      if (next) next();
      else this.held -= 1;
    }
  }

  snapshot(): SlotStats {
    return { ...this.stats };
  }

  reset(): void {
    this.stats = { calls: 0, busyMs: 0, waitMs: 0, firstStartMs: 0, lastEndMs: 0 };
  }
}
