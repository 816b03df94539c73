import { describe, expect, it, onTestFinished } from 'vitest';
import { DynamoTokenBucket } from '../../../../../lambdas/adapters/aws/token-bucket.js';
import { ProviderThrottled } from '../../../../../lambdas/core/contracts/errors.js';
import { startLocalTable } from '../../../../support/local-table.js';

/** A table of the test's own, so no test sees the buckets another left behind. */
async function ownTable() {
  const table = await startLocalTable();
  onTestFinished(() => table.stop());
  return table;
}

/** A clock the test moves by hand: refill depends on it, never on real time. */
function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('DynamoTokenBucket', () => {
  it('lets exactly the burst through when many Lambdas take at once, and throttles the rest with a Retry-After', async () => {
    // Prepare
    const table = await ownTable();
    const clock = manualClock();
    const buckets = Array.from(
      { length: 4 },
      () =>
        new DynamoTokenBucket(table.dynamo, table.tableName, {
          limits: () => ({ requestsPerSecond: 0.5, burst: 5 }),
          maxWaitMs: 0,
          now: clock.now,
        }),
    );

    // Act
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => buckets[i % 4]!.take('burst-provider')),
    );

    // Assess
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
    const refused = outcomes
      .filter((o): o is PromiseRejectedResult => o.status === 'rejected')
      .map((o) => o.reason as ProviderThrottled);
    expect(refused.filter((error) => !(error instanceof ProviderThrottled))).toEqual([]);
    expect(refused.filter((error) => error.retryAfterSeconds === 2)).not.toHaveLength(0);
  });

  it('refills at the configured rate', async () => {
    // Prepare: an empty bucket, then the time one permit takes to refill
    const table = await ownTable();
    const clock = manualClock();
    const bucket = new DynamoTokenBucket(table.dynamo, table.tableName, {
      limits: () => ({ requestsPerSecond: 2, burst: 1 }),
      maxWaitMs: 0,
      now: clock.now,
    });
    await bucket.take('refill-provider');
    await expect(bucket.take('refill-provider')).rejects.toBeInstanceOf(ProviderThrottled);
    clock.advance(500);

    // Act
    const take = bucket.take('refill-provider');

    // Assess
    await expect(take).resolves.toBeUndefined();
  });

  it('waits in-process for a permit that is due within maxWaitMs', async () => {
    // Prepare: an empty bucket
    const table = await ownTable();
    const clock = manualClock();
    const waits: number[] = [];
    const bucket = new DynamoTokenBucket(table.dynamo, table.tableName, {
      limits: () => ({ requestsPerSecond: 4, burst: 1 }),
      maxWaitMs: 1_000,
      now: clock.now,
      sleep: async (ms) => {
        waits.push(ms);
        clock.advance(ms);
      },
    });
    await bucket.take('waiting-provider');

    // Act
    await bucket.take('waiting-provider');

    // Assess
    expect(waits).toEqual([250]);
  });
});
