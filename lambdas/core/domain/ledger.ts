import {
  BudgetExceeded,
  causedBy,
  ProviderOutputInvalid,
  ProviderTimeout,
  ProviderUnavailable,
} from '../contracts/errors.js';
import { type SceneRef, sceneLabel } from '../contracts/keys.js';
import type { Charge, Usage } from '../contracts/ports.js';

/**
 * The ledger's rules (docs/data.md), whatever stores it. A paid call first holds its
 * estimate out of the production's available budget, then settles the actual cost or
 * releases the hold. One cost row per idempotency key records the call. Its status moves
 * RESERVED -> SETTLED or RESERVED -> RELEASED once, so a retried call never pays twice, and
 * a released key may be reserved again.
 *
 * A call whose attempt ended without an answer (the process died, or the provider never
 * replied in time) may still have been billed. Its row moves RESERVED -> UNCONFIRMED and
 * keeps counting against the budget at its estimate, until the provider confirms the call
 * (UNCONFIRMED -> SETTLED at the real usage, say when a stored job completes) or says it
 * never happened (UNCONFIRMED -> RELEASED).
 */

export type CostStatus = 'RESERVED' | 'UNCONFIRMED' | 'SETTLED' | 'RELEASED';

/** The statuses whose estimate the budget still holds, and that a settlement or a release may close. */
export const OPEN_COST_STATUSES = ['RESERVED', 'UNCONFIRMED'] as const satisfies CostStatus[];

export function isOpenCost(row: Pick<CostRow, 'status'> | undefined): boolean {
  return row !== undefined && (OPEN_COST_STATUSES as readonly CostStatus[]).includes(row.status);
}

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
  /** When the call was found without an answer. */
  unconfirmedAt?: string;
  settledAt?: string;
}

export interface Reservation {
  productionId: string;
  idempotencyKey: string;
  estimateUsd: number;
  scene?: SceneRef;
}

/**
 * The budget columns of a production: available = budget - spent - unconfirmed - reserved, kept so
 * by every hold, settlement, release and change of status. `spentUsd` is confirmed spend only.
 */
export interface BudgetState {
  budgetUsd: number;
  spentUsd: number;
  unconfirmedUsd: number;
  reservedUsd: number;
  availableUsd: number;
}

/**
 * What a new call under a key must do, given the key's row. An open row is an earlier attempt
 * of the same call that never came back: a new attempt, whatever killed the first, records it
 * as unconfirmed and holds a row of its own, so a second charge cannot hide behind the first.
 */
export function reservationFor(existing: CostRow | undefined): 'already-paid' | 'unanswered' | 'hold' {
  if (existing?.status === 'SETTLED') return 'already-paid';
  if (isOpenCost(existing)) return 'unanswered';
  return 'hold';
}

/**
 * What a failed call's hold becomes. A provider that answered with a refusal or an error did
 * not bill, except for the answers it billed on the way (a tier escalation whose outputs were
 * all invalid): those are settled. A call that got no answer (a timeout, a connection reset
 * mid-call) may have been billed: unconfirmed.
 */
export function holdAfterFailure(
  error: unknown,
): { outcome: 'release' } | { outcome: 'unconfirmed' } | { outcome: 'settle'; charges: Charge[] } {
  if (error instanceof ProviderTimeout || (error instanceof ProviderUnavailable && error.unanswered))
    return { outcome: 'unconfirmed' };
  if (error instanceof ProviderOutputInvalid && error.charges.length > 0)
    return { outcome: 'settle', charges: error.charges };
  return { outcome: 'release' };
}

/** The refusal when the budget cannot hold a call's estimate. */
export function budgetExceeded(
  stage: string,
  estimateUsd: number,
  state: Partial<BudgetState> | undefined,
  scene?: SceneRef,
): BudgetExceeded {
  const available = Math.max(0, state?.availableUsd ?? 0);
  const refusal = new BudgetExceeded(
    `${stage} needs up to $${estimateUsd.toFixed(4)} but only $${available.toFixed(4)} of the $${state?.budgetUsd?.toFixed(2) ?? '?'} budget is left`,
  );
  return causedBy(refusal, {
    kind: 'budget',
    budgetUsd: state?.budgetUsd ?? 0,
    spentUsd: (state?.spentUsd ?? 0) + (state?.unconfirmedUsd ?? 0),
    reservedUsd: state?.reservedUsd ?? 0,
    neededUsd: estimateUsd,
    stage,
    ...(scene && { subject: sceneLabel(scene) }),
  });
}
