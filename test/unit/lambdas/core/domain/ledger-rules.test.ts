import { describe, expect, it } from 'vitest';
import {
  ProviderOutputInvalid,
  ProviderRejected,
  ProviderThrottled,
  ProviderTimeout,
  ProviderUnavailable,
} from '../../../../../lambdas/core/contracts/errors.js';
import {
  budgetExceeded,
  type CostRow,
  holdAfterFailure,
  reservationFor,
} from '../../../../../lambdas/core/domain/ledger.js';

const row = (status: CostRow['status']): CostRow => ({
  productionId: 'p',
  idempotencyKey: 'k',
  stage: 'script',
  status,
  estimateUsd: 0.5,
  usd: 0,
  createdAt: '2026-12-01T00:00:00.000Z',
});

describe('the ledger rules', () => {
  it('never pays twice under one key: a settled call is reused, an open one recorded as unanswered, a released or new one held', () => {
    // Act
    const decisions = [undefined, row('RELEASED'), row('RESERVED'), row('UNCONFIRMED'), row('SETTLED')].map(
      reservationFor,
    );

    // Assess
    expect(decisions).toEqual(['hold', 'hold', 'unanswered', 'unanswered', 'already-paid']);
  });

  it('releases a hold only when the provider answered, keeps an unanswered call unconfirmed, and settles what an invalid answer billed', () => {
    // Prepare
    const billed = [
      { provider: 'openai-compatible', model: 'gpt-4.1-mini', usage: { inputTokens: 10, outputTokens: 5 } },
    ];
    const failures = [
      new ProviderThrottled('429'),
      new ProviderUnavailable('502'),
      new ProviderRejected('400'),
      new ProviderOutputInvalid('bad JSON'),
      new ProviderTimeout('no answer'),
      new ProviderUnavailable('connection reset after the request went out', true),
      new ProviderOutputInvalid('bad JSON twice', billed),
    ];

    // Act
    const holds = failures.map(holdAfterFailure);

    // Assess
    expect(holds).toEqual([
      { outcome: 'release' },
      { outcome: 'release' },
      { outcome: 'release' },
      { outcome: 'release' },
      { outcome: 'unconfirmed' },
      { outcome: 'unconfirmed' },
      { outcome: 'settle', charges: billed },
    ]);
  });

  it('refuses a call the budget cannot hold with what it needs and what is left', () => {
    // Act
    const refusal = budgetExceeded('video', 1.25, { budgetUsd: 5, availableUsd: -0.1 });

    // Assess
    expect(refusal.name).toBe('BudgetExceeded');
    expect(refusal.message).toBe('video needs up to $1.2500 but only $0.0000 of the $5.00 budget is left');
  });
});
