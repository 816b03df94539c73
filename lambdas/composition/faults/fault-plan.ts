import * as z from 'zod';
import { PROVIDER_STAGES } from '../../core/manifest/schema.js';

export const FAULT_KINDS = ['throttle', 'error', 'timeout', 'malformed'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
/** Faults are injected where a manifest routes to a provider. */
export type FaultStage = (typeof PROVIDER_STAGES)[number];

export interface FaultPlan {
  seed: number;
  /** Probability of each fault kind, per stage. */
  rates: Record<FaultStage, Record<FaultKind, number>>;
}

const Probability = z.coerce.number().min(0).max(1);

/**
 * Parses DRAMAFORGE_FAULTS: comma-separated `kind=p` for every stage, `stage.kind=p`
 * for one stage, and `seed=n`. A stage's own rate replaces the global one.
 * Example: `throttle=0.2,error=0.1,timeout=0.05,video.error=0.3,seed=7`.
 */
export function parseFaultPlan(spec: string): FaultPlan {
  const global: Partial<Record<FaultKind, number>> = {};
  const perStage: Partial<Record<FaultStage, Partial<Record<FaultKind, number>>>> = {};
  let seed = 1;
  for (const entry of spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [name, value] = entry.split('=');
    if (!name || value === undefined) throw new Error(`DRAMAFORGE_FAULTS: "${entry}" is not name=value`);
    if (name === 'seed') {
      seed = z.coerce.number().int().min(0).parse(value);
      continue;
    }
    const [first, second] = name.split('.');
    const stage = second === undefined ? undefined : first;
    const kind = second ?? first;
    if (!FAULT_KINDS.includes(kind as FaultKind))
      throw new Error(`DRAMAFORGE_FAULTS: unknown fault "${kind}" (use ${FAULT_KINDS.join(', ')})`);
    if (stage !== undefined && !PROVIDER_STAGES.includes(stage as FaultStage)) {
      throw new Error(`DRAMAFORGE_FAULTS: unknown stage "${stage}" (use ${PROVIDER_STAGES.join(', ')})`);
    }
    const rate = Probability.safeParse(value);
    if (!rate.success) throw new Error(`DRAMAFORGE_FAULTS: ${name} must be a probability between 0 and 1`);
    if (stage) {
      const stageRates = perStage[stage as FaultStage] ?? {};
      stageRates[kind as FaultKind] = rate.data;
      perStage[stage as FaultStage] = stageRates;
    } else global[kind as FaultKind] = rate.data;
  }
  const rates = Object.fromEntries(
    PROVIDER_STAGES.map((stage) => [
      stage,
      Object.fromEntries(FAULT_KINDS.map((kind) => [kind, perStage[stage]?.[kind] ?? global[kind] ?? 0])),
    ]),
  ) as FaultPlan['rates'];
  for (const stage of PROVIDER_STAGES) {
    const total = FAULT_KINDS.reduce((sum, kind) => sum + rates[stage][kind], 0);
    if (total > 1)
      throw new Error(`DRAMAFORGE_FAULTS: the ${stage} stage's fault rates add up to ${total}, more than 1`);
  }
  return { seed, rates };
}
