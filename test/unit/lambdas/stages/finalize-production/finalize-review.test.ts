import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BudgetLedger } from '../../../../../lambdas/adapters/aws/budget-ledger.js';
import { ProductionStore } from '../../../../../lambdas/adapters/aws/production-store.js';
import { finalizeProduction } from '../../../../../lambdas/stages/finalize-production/finalize-production.js';
import { startLocalTable } from '../../../../support/local-table.js';
import { mockedStageDeps, unitManifest } from '../../../../support/mocked-stage-deps.js';

describe('finalize production before a review', () => {
  it('writes the report AWAITING_APPROVAL but leaves the production RUNNING until the gate records its review', async () => {
    // Prepare: a production whose workflow reached the review before delivery
    const table = await startLocalTable();
    onTestFinished(() => table.stop());
    const manifest = unitManifest({
      characters: [{ id: 'ana', name: 'Ana', description: '30, short red hair, green coat' }],
      episodes: [
        {
          id: 'ep01',
          title: 'One',
          scenes: [{ id: 's01', location: 'Harbour', characters: ['ana'], outline: 'Ana waits.', dialogue: [] }],
        },
      ],
    });
    const mocks = mockedStageDeps({
      objects: new Map([['productions/unit-series/manifest.json', Buffer.from(JSON.stringify(manifest))]]),
    });
    onTestFinished(() => mocks.s3Mock.restore());
    mocks.s3Mock.on(PutObjectCommand).callsFake((input: { Key: string; Body: Buffer | string }) => {
      mocks.objects.set(input.Key, Buffer.from(input.Body));
      return {};
    });
    const productions = new ProductionStore(table.dynamo, table.tableName);
    const deps = {
      ...mocks.deps,
      productions,
      ledger: new BudgetLedger(table.dynamo, table.tableName),
      tableName: table.tableName,
    };
    await productions.openProduction({
      productionId: 'unit-series',
      title: 'Unit',
      language: 'en-US',
      budgetUsd: 1,
      manifestKey: 'manifests/unit.yaml',
      executionName: 'unit',
    });

    // Act
    await finalizeProduction({ productionId: 'unit-series', closeAs: 'AWAITING_APPROVAL', cut: 'final' }, deps);
    const beforeTheGate = await productions.getProduction('unit-series');

    // Assess
    const report = JSON.parse(mocks.objects.get('productions/unit-series/report.json')!.toString('utf8')) as {
      status: string;
    };
    expect(report.status).toBe('AWAITING_APPROVAL');
    expect([beforeTheGate.status, beforeTheGate.review]).toEqual(['RUNNING', undefined]);
  });
});
