import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AssetStore } from '../../../lambdas/adapters/aws/asset-store.js';
import { BudgetLedger } from '../../../lambdas/adapters/aws/budget-ledger.js';
import { ProductionStore } from '../../../lambdas/adapters/aws/production-store.js';
import { startLocalTable } from '../../support/local-table.js';
import { callIdentity, jsonCodec, paidCall, unpackCacheEntry } from '../../../lambdas/pipeline/paid-call.js';
import { mockedStageDeps } from '../../support/mocked-stage-deps.js';

let mocks: ReturnType<typeof mockedStageDeps> | undefined;

afterEach(() => {
  mocks?.s3Mock.reset();
  mocks?.dynamoMock.reset();
  mocks = undefined;
});

const request = { productionId: 'p1', stage: 'script', provider: 'offline', model: 'phrasebook-v1', inputs: { line: 'hi' }, codec: jsonCodec<{ lines: string[] }>() };

describe('the result cache', () => {
  it('reads a whole entry and refuses torn or truncated ones', () => {
    const header = Buffer.from(JSON.stringify({ provider: 'offline', model: 'm', usage: {}, header: { ok: true } }));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(header.length);
    const whole = Buffer.concat([length, header, Buffer.from('payload')]);

    expect(unpackCacheEntry(whole)?.payload.toString()).toBe('payload');
    expect(unpackCacheEntry(Buffer.alloc(0))).toBeUndefined();
    expect(unpackCacheEntry(whole.subarray(0, 3))).toBeUndefined();
    expect(unpackCacheEntry(whole.subarray(0, 10))).toBeUndefined();
    expect(unpackCacheEntry(Buffer.concat([length, Buffer.alloc(header.length, 0x7b)]))).toBeUndefined();
  });

  it('treats an unreadable entry as a miss and calls the provider', async () => {
    const { cacheKey } = callIdentity(request);
    mocks = mockedStageDeps({ objects: new Map([[cacheKey, Buffer.alloc(0)]]) });
    const { deps, dynamoMock } = mocks;
    dynamoMock.on(GetCommand).resolves({});
    dynamoMock.on(UpdateCommand).resolves({});
    dynamoMock.on(PutCommand).resolves({});
    let calls = 0;
    const outcome = await paidCall(deps, {
      ...request,
      estimateUsd: 0,
      call: async () => {
        calls += 1;
        return { result: { lines: ['fresh'] }, usage: {}, provider: 'offline', model: 'phrasebook-v1' };
      },
    });
    expect(calls).toBe(1);
    expect(outcome.fromCache).toBe(false);
    expect(outcome.result).toEqual({ lines: ['fresh'] });
  });
});

describe('a call paid before whose cached result is gone', () => {
  it('is bought again under a ledger row of its own, so the spend is recorded', async () => {
    const table = await startLocalTable();
    try {
      const s3 = new S3Client({ region: 'us-east-1' });
      const s3Mock = mockClient(s3);
      s3Mock.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'expired', $metadata: { httpStatusCode: 404 } }));
      const ledger = new BudgetLedger(table.dynamo, table.tableName);
      await new ProductionStore(table.dynamo, table.tableName).openProduction({
        productionId: 'p1', title: 't', language: 'en-US', budgetUsd: 10, manifestKey: 'manifests/m.yaml', executionName: 'e',
      });
      const deps = { assets: new AssetStore(s3, 'bucket'), ledger };
      const keys: string[] = [];
      const buy = () =>
        paidCall(deps, {
          ...request,
          estimateUsd: 1,
          call: async ({ idempotencyKey }) => {
            keys.push(idempotencyKey ?? '');
            return { result: { lines: ['x'] }, usage: {}, provider: 'offline', model: 'phrasebook-v1' };
          },
        });
      await buy();
      await buy();

      expect(keys).toHaveLength(2);
      expect(new Set(keys).size).toBe(2);
      const rows = await ledger.listCosts('p1');
      expect(rows.map((row) => row.idempotencyKey).sort()).toEqual([...keys].sort());
      expect(rows.every((row) => row.status === 'SETTLED')).toBe(true);
    } finally {
      await table.stop();
    }
  });
});
