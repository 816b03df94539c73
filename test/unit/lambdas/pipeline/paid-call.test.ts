import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AssetStore } from '../../../../lambdas/adapters/aws/asset-store.js';
import { BudgetLedger } from '../../../../lambdas/adapters/aws/budget-ledger.js';
import { ProductionStore } from '../../../../lambdas/adapters/aws/production-store.js';
import { ProviderOutputInvalid, ProviderTimeout } from '../../../../lambdas/core/contracts/errors.js';
import { callIdentity, jsonCodec, paidCall, unpackCacheEntry } from '../../../../lambdas/pipeline/paid-call.js';
import { ledgerAndBucket } from '../../../support/ledger-and-bucket.js';
import { startLocalTable } from '../../../support/local-table.js';
import { mockedStageDeps } from '../../../support/mocked-stage-deps.js';
import { signal } from '../../../support/signal.js';

const request = {
  productionId: 'p1',
  priority: 5,
  stage: 'script',
  provider: 'offline',
  model: 'phrasebook-v1',
  inputs: { line: 'hi' },
  codec: jsonCodec<{ lines: string[] }>(),
};

describe('the result cache', () => {
  it('reads a whole entry and refuses torn or truncated ones', () => {
    // Prepare
    const header = Buffer.from(JSON.stringify({ provider: 'offline', model: 'm', usage: {}, header: { ok: true } }));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(header.length);
    const whole = Buffer.concat([length, header, Buffer.from('payload')]);
    const broken = [
      Buffer.alloc(0),
      whole.subarray(0, 3),
      whole.subarray(0, 10),
      Buffer.concat([length, Buffer.alloc(header.length, 0x7b)]),
    ];

    // Act
    const read = unpackCacheEntry(whole);
    const refused = broken.map((bytes) => unpackCacheEntry(bytes));

    // Assess
    expect(read?.payload.toString()).toBe('payload');
    expect(refused).toStrictEqual([undefined, undefined, undefined, undefined]);
  });

  it('treats an unreadable entry as a miss and calls the provider', async () => {
    // Prepare
    const { cacheKey } = callIdentity(request);
    const { deps, dynamoMock, s3Mock } = mockedStageDeps({ objects: new Map([[cacheKey, Buffer.alloc(0)]]) });
    onTestFinished(() => {
      s3Mock.reset();
      dynamoMock.reset();
    });
    dynamoMock.on(GetCommand).resolves({});
    dynamoMock.on(UpdateCommand).resolves({});
    dynamoMock.on(PutCommand).resolves({});
    let calls = 0;
    const call = async () => {
      calls += 1;
      return { result: { lines: ['fresh'] }, usage: {}, provider: 'offline', model: 'phrasebook-v1' };
    };

    // Act
    const outcome = await paidCall(deps, { ...request, estimateUsd: 0, call });

    // Assess
    expect(calls).toBe(1);
    expect(outcome.fromCache).toBe(false);
    expect(outcome.result).toEqual({ lines: ['fresh'] });
  });
});

describe('a call paid before whose cached result is gone', () => {
  it('is bought again under a ledger row of its own, so the spend is recorded', async () => {
    // Prepare: an open production, a bucket that has lost every cached result, and the call paid once
    const table = await startLocalTable();
    onTestFinished(() => table.stop());
    const s3 = new S3Client({ region: 'us-east-1' });
    const s3Mock = mockClient(s3);
    s3Mock.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'expired', $metadata: { httpStatusCode: 404 } }));
    const ledger = new BudgetLedger(table.dynamo, table.tableName);
    await new ProductionStore(table.dynamo, table.tableName).openProduction({
      productionId: 'p1',
      title: 't',
      language: 'en-US',
      budgetUsd: 10,
      manifestKey: 'manifests/m.yaml',
      executionName: 'e',
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

    // Act
    await buy();

    // Assess
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(2);
    const rows = await ledger.listCosts('p1');
    expect(rows.map((row) => row.idempotencyKey).sort()).toEqual([...keys].sort());
    expect(rows.filter((row) => row.status !== 'SETTLED')).toEqual([]);
  });
});

/** $0.10 at gpt-4.1's price. */
const answer = async () => ({
  result: { lines: ['x'] },
  usage: { inputTokens: 50_000 },
  provider: 'openai-compatible',
  model: 'gpt-4.1',
});

describe('a synchronous call whose answer is lost', () => {
  it('to a crash leaves an unconfirmed charge at its estimate when the run resumes, and the resumed call is a charge of its own', async () => {
    // Prepare: the first attempt reaches the provider and its process dies before the answer comes back
    const { deps, ledger, productions, open } = await ledgerAndBucket(10);
    const providerKeys: string[] = [];
    const reachedProvider = signal();
    void paidCall(deps, {
      ...request,
      estimateUsd: 1,
      call: ({ idempotencyKey }) => {
        providerKeys.push(idempotencyKey ?? '');
        reachedProvider.fire();
        return new Promise(() => undefined);
      },
    });
    await reachedProvider.happened;

    // Act: the next execution opens the production again, and the same call runs
    await ledger.carryOpenReservations('p1');
    await open();
    await paidCall(deps, {
      ...request,
      estimateUsd: 1,
      call: async ({ idempotencyKey }) => {
        providerKeys.push(idempotencyKey ?? '');
        return answer();
      },
    });

    // Assess
    const rows = await ledger.listCosts('p1');
    expect(rows.map((row) => [row.status, row.usd, row.estimateUsd]).sort()).toEqual([
      ['SETTLED', 0.1, 1],
      ['UNCONFIRMED', 0, 1],
    ]);
    const meta = await productions.getProduction('p1');
    expect([meta.spentUsd, meta.unconfirmedUsd, meta.reservedUsd]).toEqual([0.1, 1, 0]);
    expect(meta.availableUsd).toBeCloseTo(8.9, 8);
    // The provider is asked again under the first attempt's key: one that honours it answers without a second bill.
    expect(providerKeys[1]).toBe(providerKeys[0]);
  });

  it('to a timeout is kept as an unconfirmed charge, not released', async () => {
    // Prepare
    const { deps, ledger, productions } = await ledgerAndBucket(10);

    // Act
    const attempt = paidCall(deps, {
      ...request,
      estimateUsd: 1,
      call: async () => {
        throw new ProviderTimeout('no answer within 120000 ms');
      },
    });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ProviderTimeout);
    expect((await ledger.listCosts('p1')).map((row) => row.status)).toEqual(['UNCONFIRMED']);
    expect((await productions.getProduction('p1')).unconfirmedUsd).toBe(1);
  });

  it('to invalid output is settled at what the provider billed for it', async () => {
    // Prepare
    const { deps, ledger, productions } = await ledgerAndBucket(10);
    const billed = [
      { provider: 'openai-compatible', model: 'gpt-4.1', usage: { inputTokens: 50_000 } },
      { provider: 'openai-compatible', model: 'gpt-4.1', usage: { inputTokens: 100_000 } },
    ];

    // Act
    const attempt = paidCall(deps, {
      ...request,
      estimateUsd: 1,
      call: async () => {
        throw new ProviderOutputInvalid('no tier wrote valid JSON', billed);
      },
    });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ProviderOutputInvalid);
    expect((await ledger.listCosts('p1')).map((row) => [row.status, row.usd])).toEqual([['SETTLED', 0.3]]);
    expect((await productions.getProduction('p1')).spentUsd).toBe(0.3);
  });
});
