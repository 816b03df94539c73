/**
 * The progress reads of every execution a client follows, on one ticker: each tick reads at most
 * `perTick` of them, taking turns, and a tick whose reads have not all come back is skipped. Each read is
 * a GetItem and a Query of every scene; one per production per second made ten productions cost the
 * embedded table ten Queries a second, and on a loaded machine reads piled up behind each other.
 */
export class ProgressPolls {
  private readonly reads = new Map<symbol, () => Promise<void>>();
  private turn = 0;
  private inFlight = false;
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: { perTick: number; everyMs: number },
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Reads this execution's progress in its turn until the returned function is called. */
  add(read: () => Promise<void>): () => void {
    const id = Symbol('progress');
    this.reads.set(id, read);
    this.ticker ??= setInterval(() => void this.tick(), this.options.everyMs);
    return () => {
      this.reads.delete(id);
      if (this.reads.size === 0 && this.ticker) {
        clearInterval(this.ticker);
        this.ticker = undefined;
      }
    };
  }

  private async tick(): Promise<void> {
    if (this.inFlight) return;
    const reads = [...this.reads.values()];
    const count = Math.min(this.options.perTick, reads.length);
    const chosen = Array.from({ length: count }, (_, offset) => reads[(this.turn + offset) % reads.length]!);
    this.turn = (this.turn + count) % Math.max(1, reads.length);
    this.inFlight = true;
    try {
      await Promise.all(chosen.map((read) => read().catch(this.onError)));
    } finally {
      this.inFlight = false;
    }
  }
}
