import { describe, expect, it } from 'vitest';
import { budgetExceeded, reservationFor, type CostRow } from '../../../lambdas/core/ledger.js';

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
  it('never pays twice under one key: a settled call is reused, a held one followed, a released or new one held', () => {
    // Act
    const decisions = [undefined, row('RELEASED'), row('RESERVED'), row('SETTLED')].map(reservationFor);

    // Assess
    expect(decisions).toEqual(['hold', 'hold', 'held-already', 'already-paid']);
  });

  it('refuses a call the budget cannot hold with what it needs and what is left', () => {
    // Act
    const refusal = budgetExceeded('video', 1.25, { budgetUsd: 5, availableUsd: -0.1 });

    // Assess
    expect(refusal.name).toBe('BudgetExceeded');
    expect(refusal.message).toBe('video needs up to $1.2500 but only $0.0000 of the $5.00 budget is left');
  });
});
