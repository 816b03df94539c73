import {
  ProviderContentFiltered,
  ProviderOutputInvalid,
  ProviderQuotaExceeded,
  ProviderThrottled,
  ProviderTimeout,
  ProviderUnavailable,
} from '../../core/contracts/errors.js';
import type { CallOptions, Charge, Metered } from '../../core/contracts/ports.js';

export const TIERS = ['draft', 'review', 'final'] as const;
export type Tier = (typeof TIERS)[number];

/** One model a stage may be served by. */
export interface Rung<Port> {
  port: Port;
  provider: string;
  model: string;
  tier: Tier;
  /** A prompt estimated longer than this skips the rung (draft models handle long prompts poorly). */
  maxPromptTokens?: number;
}

/** A stage's ladder at each provider, in failover order: the primary profile first. */
export type RouteLadders<Port> = Rung<Port>[][];

/** Errors that say "this provider, not this request": go to the next provider. */
const isFailover = (error: unknown) =>
  error instanceof ProviderQuotaExceeded ||
  error instanceof ProviderUnavailable ||
  error instanceof ProviderTimeout ||
  error instanceof ProviderThrottled;

/**
 * The routing rule (docs/providers.md):
 * 1. Start on the lowest tier of the first provider whose rung takes the prompt's length.
 * 2. Output that fails validation (after the adapter's own repair prompt) climbs one
 *    tier at the same provider; the billed calls that led there are part of the cost.
 * 3. A content-filter refusal gets one rewritten prompt on the same rung; a second
 *    refusal fails over.
 * 4. Quota, 5xx, timeouts and throttling that outlived the in-process retries fail
 *    over to the next provider, at the same tier or the nearest one it has.
 * When nothing is left, the last error goes up to the state machine by its name.
 */
export async function routeCall<Port, T>(
  ladders: RouteLadders<Port>,
  options: CallOptions,
  promptTokens: number | undefined,
  call: (rung: Rung<Port>, options: CallOptions) => Promise<Metered<T>>,
): Promise<Metered<T>> {
  const earlier: Charge[] = [];
  let provider = 0;
  let rung = startRung(ladders[0]!, promptTokens);
  let rewritten = false;
  for (;;) {
    const ladder = ladders[provider]!;
    const serving = ladder[rung]!;
    try {
      // A rewritten prompt is a different request: a provider honouring Idempotency-Key must not replay the refusal.
      const idempotencyKey =
        rewritten && options.idempotencyKey ? `${options.idempotencyKey}:rewrite` : options.idempotencyKey;
      const metered = await call(serving, {
        ...options,
        idempotencyKey,
        contentRewrite: rewritten || options.contentRewrite,
      });
      const before = [...earlier, ...(metered.earlierCharges ?? [])];
      return before.length > 0 ? { ...metered, earlierCharges: before } : metered;
    } catch (error) {
      if (error instanceof ProviderOutputInvalid) earlier.push(...error.charges);
      if (error instanceof ProviderOutputInvalid && rung + 1 < ladder.length) {
        rung++;
        continue;
      }
      if (error instanceof ProviderContentFiltered && !rewritten) {
        rewritten = true;
        continue;
      }
      if ((isFailover(error) || error instanceof ProviderContentFiltered) && provider + 1 < ladders.length) {
        provider++;
        rung = nearestRung(ladders[provider]!, serving.tier, promptTokens);
        continue;
      }
      if (error instanceof ProviderOutputInvalid && earlier.length > 0) {
        throw new ProviderOutputInvalid(error.message, earlier);
      }
      throw error;
    }
  }
}

function startRung(ladder: Rung<unknown>[], promptTokens: number | undefined): number {
  const fits = ladder.findIndex(
    (rung) => promptTokens === undefined || rung.maxPromptTokens === undefined || promptTokens <= rung.maxPromptTokens,
  );
  return fits < 0 ? ladder.length - 1 : fits;
}

function nearestRung(ladder: Rung<unknown>[], tier: Tier, promptTokens: number | undefined): number {
  const wanted = TIERS.indexOf(tier);
  const atOrAbove = ladder.findIndex((rung) => TIERS.indexOf(rung.tier) >= wanted);
  const index = atOrAbove < 0 ? ladder.length - 1 : atOrAbove;
  return Math.max(index, startRung(ladder, promptTokens));
}
