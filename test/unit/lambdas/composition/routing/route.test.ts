import { describe, expect, it } from 'vitest';
import { routeCall } from '../../../../../lambdas/composition/routing/route.js';
import { ProviderContentFiltered } from '../../../../../lambdas/core/contracts/errors.js';
import type { CallOptions } from '../../../../../lambdas/core/contracts/ports.js';

describe('routeCall after a content-filter refusal', () => {
  it('sends the rewritten prompt under its own idempotency key', async () => {
    // Prepare
    const seen: CallOptions[] = [];
    const rung = { port: {}, provider: 'p', model: 'm', maxPromptTokens: undefined } as never;
    const refuseFirst = async (_rung: unknown, options: CallOptions) => {
      seen.push(options);
      if (seen.length === 1) throw new ProviderContentFiltered('refused');
      return { result: 'ok', usage: {}, provider: 'p', model: 'm' };
    };

    // Act
    const result = await routeCall([[rung]], { idempotencyKey: 'script#abc' }, 10, refuseFirst);

    // Assess
    expect(result.result).toBe('ok');
    expect(seen.map((options) => [options.idempotencyKey, options.contentRewrite ?? false])).toEqual([
      ['script#abc', false],
      ['script#abc:rewrite', true],
    ]);
  });
});
