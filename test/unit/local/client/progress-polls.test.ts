import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressPolls } from '../../../../local/client/progress-polls.js';

describe('ProgressPolls', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reads at most its share a tick, and every followed execution in turn', async () => {
    // Prepare: five executions followed, two reads a tick
    const polls = new ProgressPolls({ perTick: 2, everyMs: 1000 });
    const reads: string[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e']) polls.add(async () => void reads.push(name));

    // Act: five ticks
    for (let tick = 0; tick < 5; tick++) await vi.advanceTimersByTimeAsync(1000);

    // Assess: ten reads, each execution twice
    expect(reads).toEqual(['a', 'b', 'c', 'd', 'e', 'a', 'b', 'c', 'd', 'e']);
  });

  it('skips a tick while the last reads are still out', async () => {
    // Prepare: one read that takes two and a half ticks
    const polls = new ProgressPolls({ perTick: 2, everyMs: 1000 });
    let started = 0;
    polls.add(() => {
      started += 1;
      return new Promise((resolve) => setTimeout(resolve, 2500));
    });

    // Act: four ticks
    await vi.advanceTimersByTimeAsync(4000);

    // Assess: the ticks at 2 s and 3 s found the first read still out; the one at 4 s started the second
    expect(started).toBe(2);
  });

  it('stops reading an execution once it is no longer followed, and stops ticking when none is', async () => {
    // Prepare
    const polls = new ProgressPolls({ perTick: 2, everyMs: 1000 });
    const reads: string[] = [];
    const stopA = polls.add(async () => void reads.push('a'));
    const stopB = polls.add(async () => void reads.push('b'));
    await vi.advanceTimersByTimeAsync(1000);

    // Act
    stopA();
    await vi.advanceTimersByTimeAsync(1000);
    stopB();

    // Assess
    expect(reads).toEqual(['a', 'b', 'b']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps reading after a read fails, and hands the failure on', async () => {
    // Prepare
    const failures: unknown[] = [];
    const polls = new ProgressPolls({ perTick: 1, everyMs: 1000 }, (error) => failures.push(error));
    let reads = 0;
    polls.add(async () => {
      reads += 1;
      if (reads === 1) throw new Error('table busy');
    });

    // Act
    await vi.advanceTimersByTimeAsync(2000);

    // Assess
    expect(reads).toBe(2);
    expect(failures).toEqual([new Error('table busy')]);
  });
});
