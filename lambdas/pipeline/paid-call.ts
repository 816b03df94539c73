import { DramaforgeError } from '../core/contracts/errors.js';
import { assetKeys, type SceneRef } from '../core/contracts/keys.js';
import type { AttemptLedger, CallOptions, Charge, Metered, ProviderSlots, Usage } from '../core/contracts/ports.js';
import { contentHash } from '../core/domain/content-hash.js';
import { holdAfterFailure, isOpenCost, type Reservation } from '../core/domain/ledger.js';
import type { CostLedger, ObjectStore } from '../core/domain/store-ports.js';
import { chargesOf, costUsd, meteredCostUsd } from '../core/pricing/pricing.js';

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
  /** The ledger row of the call that made this result (absent in entries written before rows were named here). */
  costKey?: string;
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
  assets: ObjectStore;
  ledger: CostLedger;
  /** Called for every real provider call (not for cache hits), so tests and operators can count them. */
  onProviderCall?: (call: {
    stage: string;
    provider: string;
    model: string;
    idempotencyKey: string;
    scene?: SceneRef;
  }) => void;
  /** The provider slots shared out by production priority, by this process or by the table; a call to a provider without a limit runs at once. */
  shares?: ProviderSlots;
}

export interface PaidCall<T> {
  productionId: string;
  /** The manifest's priority: this call's weight when the provider's slots are contended. */
  priority: number;
  stage: string;
  scene?: SceneRef;
  provider: string;
  model: string;
  /** Everything that determines the result: same inputs, same cache entry, same idempotency key. */
  inputs: unknown;
  estimateUsd: number;
  codec: ResultCodec<T>;
  call: (options: CallOptions) => Promise<Metered<T>>;
  /** A hold made beforehand with others (`holdTogether`), which the call spends instead of reserving its own. */
  held?: HeldCall;
}

/** A call's budget hold, made before it is sent, and the idempotency key the provider is sent. */
export type HeldCall = Awaited<ReturnType<typeof reserveCall>>;

export interface PaidCallOutcome<T> {
  result: T;
  usd: number;
  fromCache: boolean;
  idempotencyKey: string;
}

/** The cache entry and the ledger's idempotency key of a call: both derived from what determines its result. */
export function callIdentity(request: Pick<PaidCall<unknown>, 'stage' | 'provider' | 'model' | 'inputs'>) {
  const hash = contentHash({
    stage: request.stage,
    provider: request.provider,
    model: request.model,
    inputs: request.inputs,
  });
  return { cacheKey: assetKeys.cacheEntry(hash), idempotencyKey: `${request.stage}#${hash}` };
}

/**
 * The call's cached result when there is one, settling the ledger row of the call that made it
 * when a crash left that row open (the result was cached but the cost never settled): the
 * cached usage is the provider's own word on what it billed.
 */
export async function findCachedCall<T>(
  deps: PaidCallDeps,
  request: Omit<PaidCall<T>, 'call' | 'estimateUsd'>,
): Promise<PaidCallOutcome<T> | undefined> {
  const { cacheKey, idempotencyKey } = callIdentity(request);
  const bytes = await deps.assets.findBytes(cacheKey);
  const cached = bytes && unpackCacheEntry(bytes);
  if (!cached) return undefined;
  const { envelope, payload } = cached;
  const costKey = envelope.costKey ?? idempotencyKey;
  const pending = await deps.ledger.findCost(request.productionId, costKey);
  let usd = 0;
  if (pending && isOpenCost(pending)) {
    const metered = { ...envelope, result: undefined };
    usd = meteredCostUsd(metered);
    await deps.ledger.settle(
      {
        productionId: request.productionId,
        idempotencyKey: costKey,
        estimateUsd: pending.estimateUsd,
        scene: request.scene,
      },
      { usd, provider: envelope.provider, model: envelope.model, units: envelope.usage, charges: chargesOf(metered) },
    );
  }
  return { result: request.codec.decode(envelope.header, payload), usd, fromCache: true, idempotencyKey };
}

/**
 * Stores a result the provider gave under `reservation` in the cache, then settles that row at
 * the cost of the usage reported. The result is cached first, so a crash in between is settled
 * from the cached usage by the next attempt instead of paying the provider again.
 */
export async function recordResult<T>(
  deps: PaidCallDeps,
  request: Pick<PaidCall<T>, 'stage' | 'provider' | 'model' | 'inputs' | 'codec'>,
  reservation: Reservation,
  metered: Metered<T>,
): Promise<number> {
  const { cacheKey } = callIdentity(request);
  const { header, payload } = request.codec.encode(metered.result);
  await deps.assets.putBytes(
    cacheKey,
    pack(
      {
        provider: metered.provider,
        model: metered.model,
        usage: metered.usage,
        earlierCharges: metered.earlierCharges,
        costKey: reservation.idempotencyKey,
        header,
      },
      payload,
    ),
    'application/octet-stream',
  );
  const usd = meteredCostUsd(metered);
  await deps.ledger.settle(reservation, {
    usd,
    provider: metered.provider,
    model: metered.model,
    units: metered.usage,
    charges: chargesOf(metered),
  });
  return usd;
}

/** An earlier attempt of a call that got no answer, under the idempotency key the call sends now. */
export interface UnansweredAttempt {
  reservation: Reservation;
  /** When its hold was made: it was sent no earlier. */
  heldAt: string;
}

/**
 * Holds the budget for a new call under the call's key, or under a key of its own when the
 * call's key is taken. A key paid and settled before whose cached result has since expired is
 * bought again as a new charge, with a provider idempotency key of its own. A key still open is
 * an earlier attempt that never came back: the ledger records it as unconfirmed, and the new
 * attempt sends the provider the same idempotency key, so a provider that honours it answers
 * without billing twice. Those earlier attempts come back as `unanswered`, oldest first, for a
 * provider that can be asked whether it has them.
 */
export async function reserveCall(
  deps: PaidCallDeps,
  request: Pick<
    PaidCall<unknown>,
    'productionId' | 'stage' | 'scene' | 'provider' | 'model' | 'inputs' | 'estimateUsd'
  >,
) {
  const { idempotencyKey: firstKey } = callIdentity(request);
  const reserve = (key: string) =>
    deps.ledger.reserve({
      productionId: request.productionId,
      idempotencyKey: key,
      estimateUsd: request.estimateUsd,
      stage: request.stage,
      scene: request.scene,
    });
  const heldAt = new Date().toISOString();
  let providerKey = firstKey;
  let unanswered: UnansweredAttempt[] = [];
  let held = await reserve(firstKey);
  for (let taken = held.settled ?? held.unanswered; taken; taken = held.settled ?? held.unanswered) {
    const next = `${firstKey}#after-${taken.settledAt ?? taken.createdAt}`;
    if (held.settled) {
      providerKey = next;
      unanswered = [];
    } else {
      unanswered.push({
        reservation: {
          productionId: request.productionId,
          idempotencyKey: taken.idempotencyKey,
          estimateUsd: taken.estimateUsd,
          scene: request.scene,
        },
        heldAt: taken.createdAt,
      });
    }
    held = await reserve(next);
  }
  return { reservation: held.reservation, providerKey, unanswered, heldAt };
}

/**
 * Holds the budget for several calls before any is sent: all of them, or none. When one does not
 * fit, the holds already made are released and its `BudgetExceeded` is thrown, so nothing of the
 * set is bought (a scene's video candidates: docs/providers.md, Candidates).
 */
export async function holdTogether(
  deps: PaidCallDeps,
  requests: Pick<
    PaidCall<unknown>,
    'productionId' | 'stage' | 'scene' | 'provider' | 'model' | 'inputs' | 'estimateUsd'
  >[],
): Promise<HeldCall[]> {
  const held: HeldCall[] = [];
  try {
    for (const request of requests) held.push(await reserveCall(deps, request));
  } catch (error) {
    await Promise.all(held.map((hold) => deps.ledger.release(hold.reservation)));
    throw error;
  }
  return held;
}

/**
 * The ledger of one paid call's attempts, handed to the guard (`CallOptions.attempts`): the first
 * attempt goes out under the call's reservation; each later one is held anew before it is sent,
 * under the key the ledger gives it (a released key is held again, an unconfirmed one is followed
 * by `#after-<time>`), and announced as a provider call of its own. It keeps the attempts that got
 * no answer under the key being sent, so a guard that can ask the provider for them does so first.
 */
export function attemptLedger(
  deps: PaidCallDeps,
  request: Pick<
    PaidCall<unknown>,
    'productionId' | 'stage' | 'scene' | 'provider' | 'model' | 'inputs' | 'estimateUsd'
  >,
  first: HeldCall,
) {
  const announce = (held: Reservation) =>
    deps.onProviderCall?.({
      stage: request.stage,
      provider: request.provider,
      model: request.model,
      idempotencyKey: held.idempotencyKey,
      scene: request.scene,
    });
  // The hold of the attempt in flight; none between an attempt that failed and the next one.
  let current: Reservation | undefined = first.reservation;
  let currentHeldAt = first.heldAt;
  let unanswered = first.unanswered;
  // The earlier attempt whose request the provider turned out to have: its row takes the answer.
  let answeredBy: Reservation | undefined;
  announce(first.reservation);
  const hold = async () => {
    const held = await reserveCall(deps, request);
    current = held.reservation;
    currentHeldAt = held.heldAt;
    unanswered = held.unanswered;
    announce(current);
    return current;
  };
  const attempts: AttemptLedger = {
    async beforeAttempt() {
      if (!current) await hold();
    },
    async failed(error) {
      const failed = current;
      current = undefined;
      if (!failed) return;
      await closeFailedHold(deps, failed, error);
      if (holdAfterFailure(error).outcome === 'unconfirmed')
        unanswered = [...unanswered, { reservation: failed, heldAt: currentHeldAt }];
    },
    unansweredSince: () => (unanswered[0] ? new Date(unanswered[0].heldAt) : undefined),
    async foundEarlier() {
      const [found, ...others] = unanswered;
      // The guard asks only after unansweredSince() named an attempt.
      if (!found) return;
      const notSent = current;
      current = undefined;
      unanswered = [];
      answeredBy = found.reservation;
      const boughtNothing = [...others.map((other) => other.reservation), ...(notSent ? [notSent] : [])];
      await Promise.all(boughtNothing.map((hold) => deps.ledger.release(hold)));
    },
    async noneEarlier() {
      const lost = unanswered;
      unanswered = [];
      await Promise.all(lost.map((attempt) => deps.ledger.release(attempt.reservation)));
    },
  };
  return {
    attempts,
    /** A failure that came from outside the guard (the port's own, or one before it sent anything) closes the hold still open. */
    closeOpen: (error: unknown) => attempts.failed(error),
    /** The hold the answer settles; a port that answered after its last attempt's hold was closed gets one. */
    holdForAnswer: async (): Promise<Reservation> => answeredBy ?? current ?? hold(),
  };
}

/**
 * One paid provider call: reuse the content-addressed result when it exists, else
 * reserve the estimate, call, store the result, and settle the actual cost. A failed call's
 * hold is released, kept as an unconfirmed charge or settled, as `holdAfterFailure` rules.
 */
export async function paidCall<T>(deps: PaidCallDeps, request: PaidCall<T>): Promise<PaidCallOutcome<T>> {
  const cached = await findCachedCall(deps, request);
  if (cached) {
    // Another delivery of the same call cached it after this one held its budget: nothing is bought, so nothing is held.
    if (request.held) await deps.ledger.release(request.held.reservation);
    return cached;
  }

  const first = request.held ?? (await reserveCall(deps, request));
  const ledger = attemptLedger(deps, request, first);
  let metered: Metered<T>;
  try {
    const call = () => request.call({ idempotencyKey: first.providerKey, attempts: ledger.attempts });
    metered = deps.shares
      ? await deps.shares.hold(request, { lane: request.productionId, weight: request.priority }, call)
      : await call();
  } catch (error) {
    await ledger.closeOpen(error);
    // The provider's answer says what went wrong; which of the stage's calls it answered is known here.
    if (error instanceof DramaforgeError && error.failureCause)
      error.failureCause = { stage: request.stage, ...error.failureCause };
    throw error;
  }
  const reservation = await ledger.holdForAnswer();
  const usd = await recordResult(deps, request, reservation, metered);
  return { result: metered.result, usd, fromCache: false, idempotencyKey: reservation.idempotencyKey };
}

/** A failed call's hold, closed as the failure says (lambdas/core/domain/ledger.ts, `holdAfterFailure`). */
export async function closeFailedHold(deps: PaidCallDeps, reservation: Reservation, error: unknown): Promise<void> {
  const hold = holdAfterFailure(error);
  if (hold.outcome === 'unconfirmed') return deps.ledger.markUnconfirmed(reservation);
  if (hold.outcome === 'release') return deps.ledger.release(reservation);
  const last = hold.charges[hold.charges.length - 1]!;
  const usd = hold.charges.reduce((sum, charge) => sum + costUsd(charge.provider, charge.model, charge.usage), 0);
  await deps.ledger.settle(reservation, {
    usd,
    provider: last.provider,
    model: last.model,
    units: last.usage,
    charges: hold.charges,
  });
}
