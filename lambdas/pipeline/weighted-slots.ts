import {
  type ProviderSlotLimits,
  type ProviderSlots,
  type SlotClaim,
  slotLimitOf,
  slotPoolOf,
} from '../core/contracts/ports.js';

interface Waiter {
  startTag: number;
  arrival: number;
  grant: () => void;
}

interface Lane {
  /** The virtual time at which this lane's last queued call ends its share. */
  lastFinishTag: number;
  waiting: Waiter[];
}

/**
 * A provider's concurrency limit shared by weight: at most `limit` calls at once, and
 * when callers contend, each lane gets slots in proportion to its weight.
 *
 * Start-time fair queueing: a call's start tag is the later of the scheduler's virtual
 * time and its lane's last finish tag; its finish tag adds 1/weight. A freed slot goes to
 * the waiter with the smallest start tag. It is work-conserving (a free slot never waits
 * while anyone queues), and nothing starves: a lane's tags grow by 1/weight per call, so
 * a heavy lane's lead over a light one is bounded, and a lane that was idle re-enters at
 * the current virtual time instead of claiming the share it did not use.
 */
export class WeightedSlots {
  private held = 0;
  private virtualTime = 0;
  private arrivals = 0;
  private readonly lanes = new Map<string, Lane>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`a slot limit must be a positive integer, not ${limit}`);
  }

  /** Runs `work` once a slot is this claim's, and frees the slot when it settles. */
  async hold<T>(claim: SlotClaim, work: () => Promise<T>): Promise<T> {
    await this.acquire(claim);
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  /** Calls holding a slot, and calls queued for one per lane. */
  snapshot(): { held: number; waiting: Record<string, number> } {
    const waiting: Record<string, number> = {};
    for (const [name, lane] of this.lanes) if (lane.waiting.length > 0) waiting[name] = lane.waiting.length;
    return { held: this.held, waiting };
  }

  private acquire(claim: SlotClaim): Promise<void> {
    if (!(claim.weight > 0)) throw new RangeError(`a lane's weight must be positive, not ${claim.weight}`);
    const lane = this.lanes.get(claim.lane) ?? { lastFinishTag: 0, waiting: [] };
    this.lanes.set(claim.lane, lane);
    const startTag = Math.max(this.virtualTime, lane.lastFinishTag);
    lane.lastFinishTag = startTag + 1 / claim.weight;
    if (this.held < this.limit && this.queued() === 0) {
      this.held += 1;
      this.virtualTime = startTag;
      return Promise.resolve();
    }
    return new Promise<void>((grant) => lane.waiting.push({ startTag, arrival: this.arrivals++, grant }));
  }

  private release(): void {
    const next = this.nextWaiter();
    if (!next) {
      this.held -= 1;
      this.forgetIdleLanes();
      return;
    }
    // The slot passes straight to the next waiter, so `held` stays the same.
    this.virtualTime = next.startTag;
    next.grant();
  }

  private nextWaiter(): Waiter | undefined {
    let best: Lane | undefined;
    for (const lane of this.lanes.values()) {
      const head = lane.waiting[0];
      if (!head) continue;
      const bestHead = best?.waiting[0];
      if (
        !bestHead ||
        head.startTag < bestHead.startTag ||
        (head.startTag === bestHead.startTag && head.arrival < bestHead.arrival)
      )
        best = lane;
    }
    return best?.waiting.shift();
  }

  private queued(): number {
    let count = 0;
    for (const lane of this.lanes.values()) count += lane.waiting.length;
    return count;
  }

  /** A lane with nothing queued and a finish tag in the past holds no claim on the future: drop it so lanes do not pile up. */
  private forgetIdleLanes(): void {
    for (const [name, lane] of this.lanes)
      if (lane.waiting.length === 0 && lane.lastFinishTag <= this.virtualTime) this.lanes.delete(name);
  }
}

/**
 * One `WeightedSlots` per provider model that has a limit, shared by every call this
 * process makes; calls to a provider without a limit run at once.
 */
export class ProviderShares implements ProviderSlots {
  private readonly slots = new Map<string, WeightedSlots>();

  constructor(private readonly limits: ProviderSlotLimits) {}

  hold<T>(served: { provider: string; model: string }, claim: SlotClaim, work: () => Promise<T>): Promise<T> {
    const key = slotPoolOf(served);
    const limit = slotLimitOf(this.limits, served);
    if (limit === undefined) return work();
    let slots = this.slots.get(key);
    if (!slots) {
      slots = new WeightedSlots(limit);
      this.slots.set(key, slots);
    }
    return slots.hold(claim, work);
  }
}
