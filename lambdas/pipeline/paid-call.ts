import type { CallOptions, Charge, Metered, Usage } from '../core/ports.js';
import { chargesOf, meteredCostUsd } from '../core/pricing.js';
import type { AssetStore } from '../adapters/aws/asset-store.js';
import { contentHash } from '../core/content-hash.js';
import { assetKeys, type SceneRef } from '../core/keys.js';
import type { BudgetLedger } from '../adapters/aws/budget-ledger.js';

/** How a result is stored in the content-addressed cache: a JSON header plus an optional binary payload. */
export interface ResultCodec<T> {
  encode(result: T): { header: unknown; payload?: Buffer };
  decode(header: unknown, payload: Buffer): T;
}

export const jsonCodec = <T>(): ResultCodec<T> => ({
  encode: (result) => ({ header: result }),
  decode: (header) => header as T,
});

interface Envelope {
  provider: string;
  model: string;
  usage: Usage;
  earlierCharges?: Charge[];
  header: unknown;
}

function pack(envelope: Envelope, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.from(JSON.stringify(envelope), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  return Buffer.concat([length, header, payload]);
}

/**
 * A cache entry, or undefined when the bytes are not a whole entry (a torn or
 * truncated object): the cache is an optimisation, so an unreadable entry is a miss.
 */
export function unpackCacheEntry(bytes: Buffer): { envelope: Envelope; payload: Buffer } | undefined {
  if (bytes.length < 4) return undefined;
  const length = bytes.readUInt32BE(0);
  if (4 + length > bytes.length) return undefined;
  try {
    const envelope = JSON.parse(bytes.subarray(4, 4 + length).toString('utf8')) as Envelope;
    if (typeof envelope?.provider !== 'string' || typeof envelope.model !== 'string') return undefined;
    return { envelope, payload: bytes.subarray(4 + length) };
  } catch {
    return undefined;
  }
}

export interface PaidCallDeps {
  assets: AssetStore;
  ledger: BudgetLedger;
  /** Called for every real provider call (not for cache hits), so tests and operators can count them. */
  onProviderCall?: (call: { stage: string; provider: string; model: string; idempotencyKey: string; scene?: SceneRef }) => void;
}

export interface PaidCall<T> {
  productionId: string;
  stage: string;
  scene?: SceneRef;
  provider: string;
  model: string;
  /** Everything that determines the result: same inputs, same cache entry, same idempotency key. */
  inputs: unknown;
  estimateUsd: number;
  codec: ResultCodec<T>;
  call: (options: CallOptions) => Promise<Metered<T>>;
}

export interface PaidCallOutcome<T> {
  result: T;
  usd: number;
  fromCache: boolean;
  idempotencyKey: string;
}

/** The cache entry and the ledger's idempotency key of a call: both derived from what determines its result. */
export function callIdentity(request: Pick<PaidCall<unknown>, 'stage' | 'provider' | 'model' | 'inputs'>) {
  const hash = contentHash({ stage: request.stage, provider: request.provider, model: request.model, inputs: request.inputs });
  return { cacheKey: assetKeys.cacheEntry(hash), idempotencyKey: `${request.stage}#${hash}` };
}

/**
 * The call's cached result when there is one, settling a reservation a crash left
 * open (the result was cached but the cost never settled) from the cached usage.
 */
export async function findCachedCall<T>(deps: PaidCallDeps, request: Omit<PaidCall<T>, 'call' | 'estimateUsd'>): Promise<PaidCallOutcome<T> | undefined> {
  const { cacheKey, idempotencyKey } = callIdentity(request);
  const bytes = await deps.assets.findBytes(cacheKey);
  const cached = bytes && unpackCacheEntry(bytes);
  if (!cached) return undefined;
  const { envelope, payload } = cached;
  const pending = await deps.ledger.findCost(request.productionId, idempotencyKey);
  let usd = 0;
  if (pending?.status === 'RESERVED') {
    const metered = { ...envelope, result: undefined };
    usd = meteredCostUsd(metered);
    await deps.ledger.settle(
      { productionId: request.productionId, idempotencyKey, estimateUsd: pending.estimateUsd, scene: request.scene },
      { usd, provider: envelope.provider, model: envelope.model, units: envelope.usage, charges: chargesOf(metered) },
    );
  }
  return { result: request.codec.decode(envelope.header, payload), usd, fromCache: true, idempotencyKey };
}

/**
 * One paid provider call: reuse the content-addressed result when it exists, else
 * reserve the estimate, call, store the result, and settle the actual cost.
 * The result is cached before the cost is settled, so a crash in between is settled
 * from the cached usage on the next attempt instead of paying the provider again.
 */
export async function paidCall<T>(deps: PaidCallDeps, request: PaidCall<T>): Promise<PaidCallOutcome<T>> {
  const { cacheKey, idempotencyKey: firstKey } = callIdentity(request);
  const cached = await findCachedCall(deps, request);
  if (cached) return cached;

  const reserve = (key: string) =>
    deps.ledger.reserve({ productionId: request.productionId, idempotencyKey: key, estimateUsd: request.estimateUsd, stage: request.stage, scene: request.scene });
  let idempotencyKey = firstKey;
  let { reservation, settled } = await reserve(idempotencyKey);
  // Paid and settled before, but its cached result has since expired or is unreadable: buying it
  // again is a new charge, so it gets a ledger row (and a provider idempotency key) of its own.
  while (settled) {
    idempotencyKey = `${firstKey}#after-${settled.settledAt ?? settled.createdAt}`;
    ({ reservation, settled } = await reserve(idempotencyKey));
  }
  let metered: Metered<T>;
  try {
    deps.onProviderCall?.({ stage: request.stage, provider: request.provider, model: request.model, idempotencyKey, scene: request.scene });
    metered = await request.call({ idempotencyKey });
  } catch (error) {
    await deps.ledger.release(reservation);
    throw error;
  }
  const { header, payload } = request.codec.encode(metered.result);
  await deps.assets.putBytes(
    cacheKey,
    pack({ provider: metered.provider, model: metered.model, usage: metered.usage, earlierCharges: metered.earlierCharges, header }, payload),
    'application/octet-stream',
  );
  const usd = meteredCostUsd(metered);
  await deps.ledger.settle(reservation, { usd, provider: metered.provider, model: metered.model, units: metered.usage, charges: chargesOf(metered) });
  return { result: metered.result, usd, fromCache: false, idempotencyKey };
}
