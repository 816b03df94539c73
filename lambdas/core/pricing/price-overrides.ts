import { processEnvironment, STAGE_VARIABLES } from '../contracts/environment.js';
import * as z from '../contracts/zod-mini.js';
import { type ModelPrice, ModelPriceSchema } from './model-price.js';

const OverridesSchema = z.record(
  z.string().check(z.regex(/^[^/]+\/.+$/, 'keys are "<provider>/<model>"')),
  ModelPriceSchema,
);

/**
 * DRAMAFORGE_PRICE_OVERRIDES, a JSON object of "<provider>/<model>" -> prices, replaces
 * entries of the price table. It lets the free offline profile stand in for a paid one
 * (budget drills, ledger tests, cost rehearsals) without touching the real table.
 */
export function priceOverrides(
  env: Record<string, string | undefined> = processEnvironment(),
): Record<string, ModelPrice> {
  const raw = env[STAGE_VARIABLES.priceOverrides];
  if (!raw) return {};
  // Every priced call asks; the variable only changes between runs, so parse each value once.
  if (parsedFrom?.raw !== raw) {
    const parsed = OverridesSchema.safeParse(JSON.parse(raw));
    if (!parsed.success)
      throw new Error(`DRAMAFORGE_PRICE_OVERRIDES is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    parsedFrom = { raw, prices: parsed.data };
  }
  return parsedFrom.prices;
}

let parsedFrom: { raw: string; prices: Record<string, ModelPrice> } | undefined;
