/** A run stopped by its user once the calls under way had finished; the same command resumes it. */
export class RunInterrupted extends Error {
  override readonly name = 'RunInterrupted';

  constructor(readonly productionsGoOn = false) {
    super(
      productionsGoOn
        ? 'stopped following: the studio goes on with the production'
        : 'stopped: the same command resumes it, and buys nothing finished again',
    );
  }
}

/** Rejects with RunInterrupted once `signal` aborts (or at once if it has) and `settle` has finished; never, without a signal. */
export function interruption(
  signal: AbortSignal | undefined,
  settle: () => Promise<void>,
  productionsGoOn = false,
): Promise<never> {
  return new Promise<never>((_, reject) => {
    const stop = () => settle().then(() => reject(new RunInterrupted(productionsGoOn)), reject);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
}
