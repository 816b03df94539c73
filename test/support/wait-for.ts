/**
 * Waits until `probe` gives a value (anything but undefined or false), checking every
 * `intervalMs`, and fails after `timeoutMs` with a message naming what did not happen.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 60_000, intervalMs = 25 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`waited ${Math.round(timeoutMs / 1000)} s for ${what}, and it did not happen`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
