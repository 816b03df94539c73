import type { ProviderSlots, SlotClaim } from '../../../lambdas/core/contracts/ports.js';

/**
 * Provider slots brokered by the runtime's process for its source-mode workers: one set of shares
 * (WeightedSlots by priority) for every call on the machine, over the workers' IPC channels. The production
 * table shares them across processes too, but each waiting call polls it: hundreds of video jobs waiting for
 * ten slots cost more table requests than the scenes themselves.
 */

/** A worker asks for a slot of `served` for one call, or gives the call's slot back. */
export type SlotRequest =
  | { slot: 'acquire'; ticket: number; served: { provider: string; model: string }; claim: SlotClaim }
  | { slot: 'release'; ticket: number };

/** The runtime's answer: the call may go. */
export interface SlotGrant {
  slot: 'granted';
  ticket: number;
}

function slotMessageKind(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null || !('slot' in message) || !('ticket' in message))
    return undefined;
  return String(message.slot);
}

export function isSlotRequest(message: unknown): message is SlotRequest {
  const kind = slotMessageKind(message);
  return kind === 'acquire' || kind === 'release';
}

export function isSlotGrant(message: unknown): message is SlotGrant {
  return slotMessageKind(message) === 'granted';
}

/** A worker's channel to the runtime, as the broker sees it. */
export interface BrokeredWorker {
  readonly alive: boolean;
  send(grant: SlotGrant): void;
}

/** The runtime's side: holds a slot of its shares for each call a worker runs, until the worker gives it back or dies. */
export class SlotBroker {
  private readonly held = new Map<BrokeredWorker, Map<number, () => void>>();

  constructor(private readonly shares: ProviderSlots) {}

  handle(worker: BrokeredWorker, request: SlotRequest): void {
    const calls = this.held.get(worker) ?? new Map<number, () => void>();
    this.held.set(worker, calls);
    if (request.slot === 'release') {
      calls.get(request.ticket)?.();
      calls.delete(request.ticket);
      return;
    }
    void this.shares.hold(request.served, request.claim, () => {
      // Granted to a worker that died while it waited: the slot goes straight to the next in line.
      if (!worker.alive) return Promise.resolve();
      return new Promise<void>((released) => {
        calls.set(request.ticket, released);
        worker.send({ slot: 'granted', ticket: request.ticket });
      });
    });
  }

  /** A worker ended: the slots its calls held are free, as its calls are over. */
  workerGone(worker: BrokeredWorker): void {
    for (const release of this.held.get(worker)?.values() ?? []) release();
    this.held.delete(worker);
  }
}

/** A worker's side: each call waits for the runtime's grant, and gives its slot back when it settles. */
export class BrokeredProviderSlots implements ProviderSlots {
  private nextTicket = 0;
  private readonly waiting = new Map<number, () => void>();

  constructor(
    private readonly send: (request: SlotRequest) => void,
    /** Whether `served` is held back at all: a call with no limit goes without asking. */
    private readonly limited: (served: { provider: string; model: string }) => boolean,
  ) {}

  /** The runtime granted a ticket. */
  granted(grant: SlotGrant): void {
    this.waiting.get(grant.ticket)?.();
    this.waiting.delete(grant.ticket);
  }

  async hold<T>(served: { provider: string; model: string }, claim: SlotClaim, work: () => Promise<T>): Promise<T> {
    if (!this.limited(served)) return work();
    const ticket = this.nextTicket++;
    await new Promise<void>((resolve) => {
      this.waiting.set(ticket, resolve);
      this.send({ slot: 'acquire', ticket, served, claim });
    });
    try {
      return await work();
    } finally {
      this.send({ slot: 'release', ticket });
    }
  }
}
