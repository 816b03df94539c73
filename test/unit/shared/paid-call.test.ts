import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { callIdentity, jsonCodec, paidCall, unpackCacheEntry } from '../../../lambdas/shared/paid-call.js';
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
