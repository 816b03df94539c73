import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { onTestFinished } from 'vitest';
import { AssetStore } from '../../lambdas/adapters/aws/asset-store.js';
import { BudgetLedger } from '../../lambdas/adapters/aws/budget-ledger.js';
import { ProductionStore } from '../../lambdas/adapters/aws/production-store.js';
import { startLocalTable } from './local-table.js';

/** An open production `p1` over a local table of the test's own, and a bucket that keeps what it is given. `open` opens it again. */
export async function ledgerAndBucket(budgetUsd: number) {
  const table = await startLocalTable();
  onTestFinished(() => table.stop());
  const objects = new Map<string, Buffer>();
  const s3 = new S3Client({ region: 'us-east-1' });
  const s3Mock = mockClient(s3);
  s3Mock.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const body = objects.get(input.Key);
    if (!body) throw new NoSuchKey({ message: `no ${input.Key}`, $metadata: { httpStatusCode: 404 } });
    return { Body: { transformToByteArray: async () => new Uint8Array(body) } };
  });
  s3Mock.on(PutObjectCommand).callsFake((input: { Key: string; Body: Buffer }) => {
    objects.set(input.Key, Buffer.from(input.Body));
    return {};
  });
  const ledger = new BudgetLedger(table.dynamo, table.tableName);
  const productions = new ProductionStore(table.dynamo, table.tableName);
  const open = () =>
    productions.openProduction({
      productionId: 'p1',
      title: 't',
      language: 'en-US',
      budgetUsd,
      manifestKey: 'manifests/m.yaml',
      executionName: 'e',
    });
  await open();
  return { deps: { assets: new AssetStore(s3, 'bucket'), ledger }, ledger, productions, open };
}
