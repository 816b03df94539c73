import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { BudgetLedger } from '../../../../../lambdas/adapters/aws/budget-ledger.js';
import { unlessConditionFails } from '../../../../../lambdas/adapters/aws/condition-failure.js';
import { ProductionStore } from '../../../../../lambdas/adapters/aws/production-store.js';
import { PRODUCTION_TABLE } from '../../../../../lambdas/core/contracts/table-definition.js';
import { startLocalTable } from '../../../../support/local-table.js';

async function storeWithTable() {
  const table = await startLocalTable();
  onTestFinished(() => table.stop());
  return { table, productions: new ProductionStore(table.dynamo, table.tableName) };
}

const opened = (productionId: string) => ({
  productionId,
  title: productionId,
  language: 'en-US',
  budgetUsd: 5,
  manifestKey: `manifests/${productionId}.yaml`,
  executionName: `${productionId}-run`,
});

describe('the production store lists productions from the status index', () => {
  it('lists every production under its current status, reading only the index, whatever scenes and ledger rows the table holds', async () => {
    // Prepare: three productions in three statuses, each with scene rows and ledger rows beside its META row
    const { table, productions } = await storeWithTable();
    const ledger = new BudgetLedger(table.dynamo, table.tableName);
    for (const productionId of ['running-one', 'finished-one', 'waiting-one']) {
      await productions.openProduction(opened(productionId));
      await productions.ensureScene({ productionId, episodeId: 'ep01', sceneId: 's01', index: 0 });
      await ledger.reserve({ productionId, idempotencyKey: `${productionId}-call`, estimateUsd: 0.5, stage: 'script' });
    }
    await productions.closeProduction('finished-one', 'COMPLETE');
    await productions.openReview('waiting-one', {
      before: 'video',
      cut: 'animatic',
      executionName: 'waiting-one-run',
      taskToken: 'task-token',
      requestedAt: '2026-12-06T10:00:00.000Z',
      expiresAt: '2026-12-07T10:00:00.000Z',
    });
    const sent = vi.spyOn(table.dynamo, 'send');

    // Act
    const listed = await productions.listProductions();

    // Assess: each production once, at its status now, and every read a Query of the index
    expect(listed.map(({ productionId, status }) => ({ productionId, status }))).toEqual([
      { productionId: 'running-one', status: 'RUNNING' },
      { productionId: 'finished-one', status: 'COMPLETE' },
      { productionId: 'waiting-one', status: 'AWAITING_APPROVAL' },
    ]);
    const reads = sent.mock.calls.map(([command]) => command);
    expect(reads.filter((command) => !(command instanceof QueryCommand))).toEqual([]);
    expect(new Set(reads.map((command) => (command as QueryCommand).input.IndexName))).toEqual(
      new Set([PRODUCTION_TABLE.statusIndex.name]),
    );
  });
});

describe('unlessConditionFails', () => {
  it("answers a write's output, undefined when its condition refused it, and throws any other error", async () => {
    // Prepare
    const refused = new ConditionalCheckFailedException({ message: 'refused', $metadata: {} });
    const throttled = Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });

    // Act
    const written = await unlessConditionFails(Promise.resolve({ Attributes: { n: 1 } }));
    const notWritten = await unlessConditionFails(Promise.reject(refused));
    const failing = unlessConditionFails(Promise.reject(throttled));

    // Assess
    expect(written).toEqual({ Attributes: { n: 1 } });
    expect(notWritten).toBeUndefined();
    await expect(failing).rejects.toBe(throttled);
  });
});
