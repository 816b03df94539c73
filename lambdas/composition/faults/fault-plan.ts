import { PROVIDER_ROLES, type ProviderRole } from '../../core/contracts/provider-profiles.js';
import * as z from '../../core/contracts/zod-mini.js';

export const FAULT_KINDS = ['throttle', 'error', 'timeout', 'malformed'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultPlan {
  seed: number;
  /** Probability of each fault kind, per provider role: faults are injected where a manifest routes to a provider. */
  rates: Record<ProviderRole, Record<FaultKind, number>>;
}

const Probability = z.coerce.number().check(z.gte(0), z.lte(1));

/**
 * Parses DRAMAFORGE_FAULTS: comma-separated `kind=p` for every provider role, `role.kind=p`
 * for one role, and `seed=n`. A role's own rate replaces the global one.
 * Example: `throttle=0.2,error=0.1,timeout=0.05,video.error=0.3,seed=7`.
 */
export function parseFaultPlan(spec: string): FaultPlan {
  const global: Partial<Record<FaultKind, number>> = {};
  const perRole: Partial<Record<ProviderRole, Partial<Record<FaultKind, number>>>> = {};
  let seed = 1;
  for (const entry of spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [name, value] = entry.split('=');
    if (!name || value === undefined) throw new Error(`DRAMAFORGE_FAULTS: "${entry}" is not name=value`);
    if (name === 'seed') {
      seed = z.coerce.number().check(z.int(), z.gte(0)).parse(value);
      continue;
    }
    const [first, second] = name.split('.');
    const role = second === undefined ? undefined : first;
    const kind = second ?? first;
    if (!FAULT_KINDS.includes(kind as FaultKind))
      throw new Error(`DRAMAFORGE_FAULTS: unknown fault "${kind}" (use ${FAULT_KINDS.join(', ')})`);
    if (role !== undefined && !PROVIDER_ROLES.includes(role as ProviderRole)) {
      throw new Error(`DRAMAFORGE_FAULTS: unknown provider role "${role}" (use ${PROVIDER_ROLES.join(', ')})`);
    }
    const rate = Probability.safeParse(value);
    if (!rate.success) throw new Error(`DRAMAFORGE_FAULTS: ${name} must be a probability between 0 and 1`);
    if (role) {
      const roleRates = perRole[role as ProviderRole] ?? {};
      roleRates[kind as FaultKind] = rate.data;
      perRole[role as ProviderRole] = roleRates;
    } else global[kind as FaultKind] = rate.data;
  }
  const rates = Object.fromEntries(
    PROVIDER_ROLES.map((role) => [
      role,
      Object.fromEntries(FAULT_KINDS.map((kind) => [kind, perRole[role]?.[kind] ?? global[kind] ?? 0])),
    ]),
  ) as FaultPlan['rates'];
  for (const role of PROVIDER_ROLES) {
    const total = FAULT_KINDS.reduce((sum, kind) => sum + rates[role][kind], 0);
    if (total > 1)
      throw new Error(`DRAMAFORGE_FAULTS: the ${role} provider's fault rates add up to ${total}, more than 1`);
  }
  return { seed, rates };
}
