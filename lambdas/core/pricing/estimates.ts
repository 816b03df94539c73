import { type Bound, servingModels } from '../contracts/bound-providers.js';
import type { Usage } from '../contracts/ports.js';
import { costUsd } from './pricing.js';

/**
 * What to reserve before a call: the price of the most the call can use. It must
 * be an upper bound, because the budget guarantee rests on actual <= reserved. A
 * routed port may bill every model on its route, each up to its number of billed
 * calls (a repair or rewrite prompt), before one answers: all of that is reserved.
 */
export function estimateUsd(bound: Bound<unknown>, worstCaseUsage: Usage): number {
  return servingModels(bound).reduce(
    (sum, serving) => sum + serving.maxBilledCalls * costUsd(serving.provider, serving.model, worstCaseUsage),
    0,
  );
}
