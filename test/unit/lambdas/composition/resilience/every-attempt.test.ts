import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { OpenAiConnection } from '../../../../../lambdas/adapters/providers/openai-compatible/connection.js';
import { VisionConsistencyScorer } from '../../../../../lambdas/adapters/providers/openai-compatible/vision-consistency.js';
import { DEFAULT_GUARD_SETTINGS, ProviderGuard } from '../../../../../lambdas/composition/resilience/provider-guard.js';
import { ProviderTimeout, ProviderUnavailable } from '../../../../../lambdas/core/contracts/errors.js';
import { costUsd } from '../../../../../lambdas/core/pricing/pricing.js';
import { scoreCodec } from '../../../../../lambdas/pipeline/codecs.js';
import { paidCall } from '../../../../../lambdas/pipeline/paid-call.js';
import { ledgerAndBucket } from '../../../../support/ledger-and-bucket.js';

const MODEL = 'gpt-4.1-mini';
const USAGE = { prompt_tokens: 1200, completion_tokens: 8 };
const PRICE_OF_ONE = costUsd('openai-compatible', MODEL, {
  inputTokens: USAGE.prompt_tokens,
  outputTokens: USAGE.completion_tokens,
});
// Long enough that an answered attempt is never late on a busy machine; a held one waits for the client to give up.
const ATTEMPT_TIMEOUT_MS = 1_000;

type Fate = 'answer' | 'timeout' | 'reset';

/**
 * A gateway that ignores `Idempotency-Key` and bills every request it receives: it does the work
 * first, then answers, never answers, or drops the connection, as each request's fate says.
 */
async function billingGateway(fates: Fate[]) {
  const billed: { idempotencyKey?: string; fate: Fate }[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const fate = fates.shift() ?? 'answer';
      billed.push({ idempotencyKey: req.headers['idempotency-key'] as string | undefined, fate });
      if (fate === 'reset') return req.socket.destroy();
      if (fate === 'answer')
        return res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            id: 'chatcmpl-bill',
            object: 'chat.completion',
            created: 1_763_800_000,
            model: MODEL,
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: '{"score": 0.9}', refusal: null },
                finish_reason: 'stop',
              },
            ],
            usage: { ...USAGE, total_tokens: USAGE.prompt_tokens + USAGE.completion_tokens },
          }),
        );
      // A timeout: the answer never comes; the request is dropped when the client gives up on it.
      res.on('close', () => req.socket.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, billed };
}

const frame = { png: Buffer.from('png'), width: 1, height: 1, regions: {} };

describe('every attempt the guard sends', () => {
  it('is a ledger row of its own, so a gateway that bills every attempt is matched through timeouts and resets', async () => {
    // Prepare: three scores; the first answered at its third attempt, the second never, the third at once
    const gateway = await billingGateway(['timeout', 'reset', 'answer', 'reset', 'timeout', 'reset', 'answer']);
    const { deps, ledger, productions } = await ledgerAndBucket(10);
    const guard = new ProviderGuard(
      'openai-compatible',
      { take: async () => undefined },
      {
        ...DEFAULT_GUARD_SETTINGS,
        attemptTimeoutMs: ATTEMPT_TIMEOUT_MS,
        initialBackoffMs: 1,
        maxBackoffMs: 2,
      },
    );
    const scorer = new VisionConsistencyScorer(
      new OpenAiConnection({ baseUrl: gateway.baseUrl, apiKey: 'test-key', timeoutMs: 30_000 }, guard),
      MODEL,
    );
    const score = (characterId: string) =>
      paidCall(deps, {
        productionId: 'p1',
        priority: 5,
        stage: 'consistency',
        provider: 'openai-compatible',
        model: MODEL,
        inputs: { characterId },
        estimateUsd: 0.01,
        codec: scoreCodec,
        call: (options) => scorer.score({ keyframe: frame, reference: frame, characterId }, options),
      });

    // Act
    const first = await score('ana');
    const second = await score('ben').catch((error: unknown) => error);
    const third = await score('cam');

    // Assess: the gateway billed seven requests, and the ledger holds seven rows
    expect(first.result.score).toBe(0.9);
    expect(second).toBeInstanceOf(ProviderUnavailable);
    expect(third.result.score).toBe(0.9);
    expect(gateway.billed).toHaveLength(7);
    const rows = await ledger.listCosts('p1');
    expect(rows).toHaveLength(gateway.billed.length);
    // Each answered request is settled at what it was billed; each one never answered is unconfirmed, held at its estimate.
    const settled = rows.filter((row) => row.status === 'SETTLED');
    const unconfirmed = rows.filter((row) => row.status === 'UNCONFIRMED');
    expect(settled).toHaveLength(gateway.billed.filter((bill) => bill.fate === 'answer').length);
    expect(unconfirmed).toHaveLength(gateway.billed.filter((bill) => bill.fate !== 'answer').length);
    for (const row of settled) expect(row.usd).toBeCloseTo(PRICE_OF_ONE, 10);
    const budget = (await productions.getProduction('p1')).spentUsd;
    expect(budget).toBeCloseTo(settled.length * PRICE_OF_ONE, 10);
    // Every attempt of one call sent the provider the same key, so a provider that honours it would bill once.
    const keysPerCall = new Set(gateway.billed.slice(0, 3).map((bill) => bill.idempotencyKey));
    expect(keysPerCall.size).toBe(1);
  });

  it('names a dropped connection after the request went out an unanswered failure, and one never connected a plain one', async () => {
    // Prepare
    const gateway = await billingGateway(['reset', 'reset', 'reset']);
    const guard = new ProviderGuard(
      'openai-compatible',
      { take: async () => undefined },
      { ...DEFAULT_GUARD_SETTINGS, initialBackoffMs: 1, maxBackoffMs: 2 },
    );
    const reset = new VisionConsistencyScorer(
      new OpenAiConnection({ baseUrl: gateway.baseUrl, apiKey: 'test-key', timeoutMs: 30_000 }, guard),
      MODEL,
    );
    const refused = new VisionConsistencyScorer(
      new OpenAiConnection({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'test-key', timeoutMs: 30_000 }, guard),
      MODEL,
    );

    // Act
    const afterReset = await reset
      .score({ keyframe: frame, reference: frame, characterId: 'ana' })
      .catch((error: unknown) => error);
    const afterRefusal = await refused
      .score({ keyframe: frame, reference: frame, characterId: 'ana' })
      .catch((error: unknown) => error);

    // Assess
    expect(afterReset).toBeInstanceOf(ProviderUnavailable);
    expect((afterReset as ProviderUnavailable).unanswered).toBe(true);
    expect(afterRefusal).toBeInstanceOf(ProviderUnavailable);
    expect(afterRefusal).not.toBeInstanceOf(ProviderTimeout);
    expect((afterRefusal as ProviderUnavailable).unanswered).toBe(false);
  });
});
