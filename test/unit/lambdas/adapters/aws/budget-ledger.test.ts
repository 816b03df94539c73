import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetLedger } from '../../../../../lambdas/adapters/aws/budget-ledger.js';
import { ProductionStore } from '../../../../../lambdas/adapters/aws/production-store.js';
import { BudgetExceeded } from '../../../../../lambdas/core/contracts/errors.js';
import { startLocalTable } from '../../../../support/local-table.js';

// One local table for the file; each test works on a production of its own.
let table: Awaited<ReturnType<typeof startLocalTable>>;
let ledger: BudgetLedger;
let productions: ProductionStore;

async function openProduction(productionId: string, budgetUsd: number) {
  await productions.openProduction({
    productionId,
    title: 't',
    language: 'en-US',
    budgetUsd,
    manifestKey: 'manifests/x.yaml',
    executionName: 'x',
  });
}

beforeAll(async () => {
  table = await startLocalTable();
  ledger = new BudgetLedger(table.dynamo, table.tableName);
  productions = new ProductionStore(table.dynamo, table.tableName);
});

afterAll(async () => {
  await table.stop();
});

describe('BudgetLedger', () => {
  it('lets exactly as many concurrent reservations through as the budget holds', async () => {
    // Prepare
    await openProduction('concurrent-holds', 1.0);

    // Act
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        ledger.reserve({
          productionId: 'concurrent-holds',
          idempotencyKey: `call-${i}`,
          estimateUsd: 0.05,
          stage: 'video',
        }),
      ),
    );

    // Assess
    const granted = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(granted).toHaveLength(20);
    expect(refused.filter((o) => !((o as PromiseRejectedResult).reason instanceof BudgetExceeded))).toEqual([]);
    const meta = await productions.getProduction('concurrent-holds');
    expect(meta.reservedUsd).toBeCloseTo(1.0, 8);
    expect(meta.availableUsd).toBeCloseTo(0, 8);
  });

  it('settles the actual cost once, however often the same call is settled', async () => {
    // Prepare
    await openProduction('settle-once', 2);
    const { reservation } = await ledger.reserve({
      productionId: 'settle-once',
      idempotencyKey: 'k1',
      estimateUsd: 0.5,
      stage: 'image',
    });
    const outcome = { usd: 0.2, provider: 'p', model: 'm', units: { images: 1 } };

    // Act
    await Promise.all([ledger.settle(reservation, outcome), ledger.settle(reservation, outcome)]);
    await ledger.settle(reservation, outcome);

    // Assess
    const meta = await productions.getProduction('settle-once');
    expect(meta.spentUsd).toBeCloseTo(0.2, 8);
    expect(meta.reservedUsd).toBeCloseTo(0, 8);
    expect(meta.availableUsd).toBeCloseTo(1.8, 8);
    const again = await ledger.reserve({
      productionId: 'settle-once',
      idempotencyKey: 'k1',
      estimateUsd: 0.5,
      stage: 'image',
    });
    expect(again.settled?.usd).toBeCloseTo(0.2, 8);
    const rows = await ledger.listCosts('settle-once');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('SETTLED');
  });

  it('returns a released hold to the budget', async () => {
    // Prepare: a hold that leaves too little of the budget for the next call
    await openProduction('release-hold', 1);
    const { reservation } = await ledger.reserve({
      productionId: 'release-hold',
      idempotencyKey: 'k',
      estimateUsd: 0.9,
      stage: 'video',
    });
    await expect(
      ledger.reserve({ productionId: 'release-hold', idempotencyKey: 'k2', estimateUsd: 0.2, stage: 'video' }),
    ).rejects.toBeInstanceOf(BudgetExceeded);

    // Act
    await ledger.release(reservation);

    // Assess
    await ledger.reserve({ productionId: 'release-hold', idempotencyKey: 'k2', estimateUsd: 0.2, stage: 'video' });
    const meta = await productions.getProduction('release-hold');
    expect(meta.spentUsd).toBe(0);
    expect(meta.availableUsd).toBeCloseTo(0.8, 8);
  });

  it('keeps money already spent when the production is opened again', async () => {
    // Prepare
    await openProduction('reopen', 1);
    const { reservation } = await ledger.reserve({
      productionId: 'reopen',
      idempotencyKey: 'a',
      estimateUsd: 0.4,
      stage: 'script',
    });
    await ledger.settle(reservation, { usd: 0.3, provider: 'p', model: 'm', units: {} });

    // Act
    await openProduction('reopen', 1);

    // Assess
    const meta = await productions.getProduction('reopen');
    expect(meta.spentUsd).toBeCloseTo(0.3, 8);
    expect(meta.availableUsd).toBeCloseTo(0.7, 8);
  });

  it('records a hold whose call never answered as an unconfirmed charge that still counts against the budget', async () => {
    // Prepare
    await openProduction('unanswered', 1);
    const { reservation } = await ledger.reserve({
      productionId: 'unanswered',
      idempotencyKey: 'k',
      estimateUsd: 0.6,
      stage: 'image',
    });

    // Act
    await ledger.markUnconfirmed(reservation);

    // Assess
    const meta = await productions.getProduction('unanswered');
    expect([meta.spentUsd, meta.unconfirmedUsd, meta.reservedUsd, meta.availableUsd]).toEqual([0, 0.6, 0, 0.4]);
    expect((await ledger.findCost('unanswered', 'k'))?.status).toBe('UNCONFIRMED');
    await expect(
      ledger.reserve({ productionId: 'unanswered', idempotencyKey: 'k2', estimateUsd: 0.5, stage: 'image' }),
    ).rejects.toBeInstanceOf(BudgetExceeded);
  });

  it('settles an unconfirmed charge at the real usage once the provider confirms the call', async () => {
    // Prepare
    await openProduction('confirmed-later', 1);
    const { reservation } = await ledger.reserve({
      productionId: 'confirmed-later',
      idempotencyKey: 'job',
      estimateUsd: 0.8,
      stage: 'video',
    });
    await ledger.markUnconfirmed(reservation);

    // Act
    await ledger.settle(reservation, {
      usd: 0.5,
      provider: 'openai-compatible',
      model: 'sora-2',
      units: { videoSeconds: 5 },
    });

    // Assess
    const meta = await productions.getProduction('confirmed-later');
    expect([meta.spentUsd, meta.unconfirmedUsd, meta.reservedUsd]).toEqual([0.5, 0, 0]);
    expect(meta.availableUsd).toBeCloseTo(0.5, 8);
    expect((await ledger.findCost('confirmed-later', 'job'))?.status).toBe('SETTLED');
  });

  it('releases an unconfirmed charge when the provider says the call never happened', async () => {
    // Prepare
    await openProduction('never-happened', 1);
    const { reservation } = await ledger.reserve({
      productionId: 'never-happened',
      idempotencyKey: 'job',
      estimateUsd: 0.8,
      stage: 'video',
    });
    await ledger.markUnconfirmed(reservation);

    // Act
    await ledger.release(reservation);

    // Assess
    const meta = await productions.getProduction('never-happened');
    expect([meta.spentUsd, meta.unconfirmedUsd, meta.reservedUsd, meta.availableUsd]).toEqual([0, 0, 0, 1]);
    expect((await ledger.findCost('never-happened', 'job'))?.status).toBe('RELEASED');
  });

  it('carries the holds an earlier run left open into the next as unconfirmed charges, within a raised budget', async () => {
    // Prepare: a run that settled one call and died with another under way
    await openProduction('resumed', 1);
    const done = await ledger.reserve({
      productionId: 'resumed',
      idempotencyKey: 'done',
      estimateUsd: 0.3,
      stage: 'script',
    });
    await ledger.settle(done.reservation, { usd: 0.2, provider: 'p', model: 'm', units: {} });
    await ledger.reserve({ productionId: 'resumed', idempotencyKey: 'in-flight', estimateUsd: 0.5, stage: 'image' });

    // Act: the next execution opens the production with a budget raised by 1
    const carried = await ledger.carryOpenReservations('resumed');
    await openProduction('resumed', 2);

    // Assess
    expect(carried).toBe(1);
    const meta = await productions.getProduction('resumed');
    expect([meta.spentUsd, meta.unconfirmedUsd, meta.reservedUsd]).toEqual([0.2, 0.5, 0]);
    expect(meta.availableUsd).toBeCloseTo(1.3, 8);
    expect((await ledger.findCost('resumed', 'in-flight'))?.status).toBe('UNCONFIRMED');
  });

  it('hands an open key back as unanswered, recording it unconfirmed, instead of holding it again', async () => {
    // Prepare: an attempt of a call that never came back
    await openProduction('retried', 1);
    await ledger.reserve({ productionId: 'retried', idempotencyKey: 'k', estimateUsd: 0.4, stage: 'speech' });

    // Act: the call's next attempt
    const again = await ledger.reserve({
      productionId: 'retried',
      idempotencyKey: 'k',
      estimateUsd: 0.4,
      stage: 'speech',
    });

    // Assess
    expect(again.unanswered?.idempotencyKey).toBe('k');
    const meta = await productions.getProduction('retried');
    expect([meta.unconfirmedUsd, meta.reservedUsd]).toEqual([0.4, 0]);
    expect(meta.availableUsd).toBeCloseTo(0.6, 8);
  });

  it('finds a key already paid even when the budget is spent, and holds nothing for it', async () => {
    // Prepare: a call that cost the whole budget
    await openProduction('paid-then-broke', 1);
    const { reservation } = await ledger.reserve({
      productionId: 'paid-then-broke',
      idempotencyKey: 'k',
      estimateUsd: 1,
      stage: 'video',
    });
    await ledger.settle(reservation, { usd: 1, provider: 'p', model: 'm', units: { videoSeconds: 5 } });

    // Act: the same call again, say from a replayed Task
    const again = await ledger.reserve({
      productionId: 'paid-then-broke',
      idempotencyKey: 'k',
      estimateUsd: 1,
      stage: 'video',
    });

    // Assess
    expect(again.settled?.usd).toBe(1);
    const meta = await productions.getProduction('paid-then-broke');
    expect([meta.spentUsd, meta.reservedUsd, meta.availableUsd]).toEqual([1, 0, 0]);
  });

  it('holds a new key with two writes and reads nothing; a call estimated at $0 with one, its row', async () => {
    // Prepare
    await openProduction('two-writes', 1);
    const { counting, sent } = countingClient();
    const counted = new BudgetLedger(counting, table.tableName);

    // Act
    await counted.reserve({ productionId: 'two-writes', idempotencyKey: 'new', estimateUsd: 0.1, stage: 'image' });
    const paidWrites = sent.splice(0);
    await counted.reserve({ productionId: 'two-writes', idempotencyKey: 'free', estimateUsd: 0, stage: 'image' });

    // Assess
    expect(paidWrites).toEqual(['UpdateCommand', 'PutCommand']);
    expect(sent).toEqual(['PutCommand']);
    expect((await ledger.listCosts('two-writes')).map((row) => [row.idempotencyKey, row.status])).toEqual([
      ['free', 'RESERVED'],
      ['new', 'RESERVED'],
    ]);
    const meta = await productions.getProduction('two-writes');
    expect([meta.reservedUsd, meta.availableUsd]).toEqual([0.1, 0.9]);
  });

  it('settles a free call with one write, its row, and a paid one with three', async () => {
    // Prepare
    await openProduction('free-and-paid', 1);
    const scene = { productionId: 'free-and-paid', episodeId: 'ep01', sceneId: 's01' };
    await productions.ensureScene({ ...scene, index: 0 });
    const free = await ledger.reserve({
      productionId: 'free-and-paid',
      idempotencyKey: 'free',
      estimateUsd: 0,
      stage: 'image',
      scene,
    });
    const paid = await ledger.reserve({
      productionId: 'free-and-paid',
      idempotencyKey: 'paid',
      estimateUsd: 0.4,
      stage: 'image',
      scene,
    });
    const { counting, sent } = countingClient();
    const counted = new BudgetLedger(counting, table.tableName);

    // Act
    await counted.settle(free.reservation, { usd: 0, provider: 'offline', model: 'm', units: { images: 1 } });
    const freeWrites = sent.splice(0);
    await counted.settle(paid.reservation, { usd: 0.25, provider: 'p', model: 'm', units: { images: 1 } });

    // Assess
    expect(freeWrites).toEqual(['UpdateCommand']);
    expect(sent).toEqual(['UpdateCommand', 'UpdateCommand', 'UpdateCommand']);
    expect((await ledger.listCosts('free-and-paid')).map((row) => [row.idempotencyKey, row.status, row.usd])).toEqual([
      ['free', 'SETTLED', 0],
      ['paid', 'SETTLED', 0.25],
    ]);
    const meta = await productions.getProduction('free-and-paid');
    expect([meta.spentUsd, meta.reservedUsd, meta.availableUsd]).toEqual([0.25, 0, 0.75]);
    const [record] = await productions.listScenes('free-and-paid');
    expect(record!.costUsd).toBe(0.25);
  });
});

/** The table's client, with the name of every command sent through it. */
function countingClient() {
  const sent: string[] = [];
  const counting = {
    send: (command: { constructor: { name: string } }) => {
      sent.push(command.constructor.name);
      return table.dynamo.send(command as never);
    },
  } as unknown as typeof table.dynamo;
  return { counting, sent };
}
