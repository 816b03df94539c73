import type { Usage } from '../providers/ports.js';
import { costUsd } from '../providers/pricing.js';
import type { Bound } from '../providers/registry.js';

/**
 * What to reserve before a call: the price of the most the call can use. It must
 * be an upper bound, because the budget guarantee rests on actual <= reserved.
 */
export function estimateUsd(bound: Bound<unknown>, worstCaseUsage: Usage): number {
  return costUsd(bound.provider, bound.model, worstCaseUsage);
}
