import { BudgetExceeded } from './errors.js';
import type { SceneRef } from './keys.js';
import type { Charge, Usage } from './ports.js';

/**
 * The ledger's rules (DESIGN.md section 5), whatever stores it. A paid call first holds its
 * estimate out of the production's available budget, then settles the actual cost or
 * releases the hold. One cost row per idempotency key records the call; its status moves
 * RESERVED -> SETTLED or RESERVED -> RELEASED exactly once, so a retried call never pays twice,
 * and a released key may be reserved again.
 */

export type CostStatus = 'RESERVED' | 'SETTLED' | 'RELEASED';

export interface CostRow {
  productionId: string;
  idempotencyKey: string;
  stage: string;
  status: CostStatus;
  estimateUsd: number;
  usd: number;
  provider?: string;
  model?: string;
  units?: Usage;
  /** Every billed call behind this one's result, when more than one model was billed (a tier escalation). */
  charges?: Charge[];
  episodeId?: string;
  sceneId?: string;
  createdAt: string;
  settledAt?: string;
}

export interface Reservation {
  productionId: string;
  idempotencyKey: string;
  estimateUsd: number;
  scene?: SceneRef;
}

/** The budget columns of a production: available = budget - spent - reserved, kept so by every hold, settlement and release. */
export interface BudgetState {
  budgetUsd: number;
  spentUsd: number;
  reservedUsd: number;
  availableUsd: number;
}

/** What a new call under a key must do, given the key's row. */
export function reservationFor(existing: CostRow | undefined): 'already-paid' | 'held-already' | 'hold' {
  if (existing?.status === 'SETTLED') return 'already-paid';
  if (existing?.status === 'RESERVED') return 'held-already';
  return 'hold';
}

/** The refusal when the budget cannot hold a call's estimate. */
export function budgetExceeded(stage: string, estimateUsd: number, state: Partial<BudgetState> | undefined): BudgetExceeded {
  const available = Math.max(0, state?.availableUsd ?? 0);
  return new BudgetExceeded(`${stage} needs up to $${estimateUsd.toFixed(4)} but only $${available.toFixed(4)} of the $${state?.budgetUsd?.toFixed(2) ?? '?'} budget is left`);
}
