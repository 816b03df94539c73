import { randomUUID } from 'node:crypto';
import { ProviderThrottled, ProviderTimeout, ProviderUnavailable } from '../core/contracts/errors.js';
import type { SceneRef } from '../core/contracts/keys.js';
import type { CallOptions, Metered } from '../core/contracts/ports.js';
import type { Reservation } from '../core/domain/ledger.js';
import type { StoredProviderJob } from '../core/domain/production-model.js';
import { attemptLedger, callIdentity, findCachedCall, type PaidCall, recordResult, reserveCall } from './paid-call.js';
import type { StageDeps } from './stage-deps.js';

/** SQS caps DelaySeconds at 15 minutes. */
const MAX_DELAY_SECONDS = 900;

/** A paid call that is a job at its provider: started once, then polled until it answers. */
export interface ProviderJobCall<T> extends Omit<PaidCall<T>, 'call' | 'scene'> {
  scene: SceneRef;
  /** Seconds between polls; the job is given up after `maxPolls` polls of one delivery. */
  pollIntervalSeconds: number;
  maxPolls: number;
  /**
   * How long a claim to start the job stands before another worker may take it over: longer than
   * any worker can live (the function's timeout), so a claim that old belongs to a worker that died.
   */
  claimLeaseSeconds: number;
  /** Where on the scene's row the job is recorded: the stage's name unless the stage runs several jobs (video candidates). */
  jobSlot?: string;
  start: (options: CallOptions) => Promise<{ jobId: string }>;
  /** Throws a Provider* error when the job failed. */
  poll: (jobId: string) => Promise<{ state: 'running' } | { state: 'succeeded'; result: Metered<T> }>;
}

/** Where a job stands after one delivery: its result, or a delivery due again in `delaySeconds` with `polls` counted. */
export type ProviderJobProgress<T> =
  | { state: 'done'; result: T; usd: number }
  | { state: 'pending'; polls: number; delaySeconds: number };

/** Errors of a poll (not of the job): the job is still there, so poll again rather than give up on it. */
const isTransientPollFailure = (error: unknown) =>
  error instanceof ProviderThrottled || error instanceof ProviderUnavailable || error instanceof ProviderTimeout;

/**
 * One delivery of an asynchronous stage's task. The scene's row, not the message, is the record
 * of the job: the first delivery claims the start in one conditional write, reserves the budget,
 * starts the job and records its id before anything polls it. Every later delivery of the same
 * call (a redelivery, a resend after a crash, a task of a resumed execution) finds that record
 * and polls the job, and never starts another. `polls` is what this delivery's message counted.
 */
export async function advanceProviderJob<T>(
  deps: StageDeps,
  call: ProviderJobCall<T>,
  polls: number,
): Promise<ProviderJobProgress<T>> {
  const cached = await findCachedCall(deps, call);
  if (cached) {
    if (call.held) await deps.ledger.release(call.held.reservation);
    return { state: 'done', result: cached.result, usd: 0 };
  }
  const later = (counted: number): ProviderJobProgress<T> => ({
    state: 'pending',
    polls: counted,
    delaySeconds: Math.min(MAX_DELAY_SECONDS, call.pollIntervalSeconds),
  });

  const { idempotencyKey: callKey } = callIdentity(call);
  const stored = await deps.productions.findProviderJob(call.scene, jobSlot(call));
  const startedElsewhere =
    stored?.callKey === callKey && (stored.state === 'STARTED' || !isStale(stored, call.claimLeaseSeconds));
  if (startedElsewhere && call.held) await deps.ledger.release(call.held.reservation);
  if (stored?.callKey === callKey && stored.state === 'STARTED') return pollJob(deps, call, stored, polls, later);
  if (startedElsewhere) {
    // Another worker claimed the start and is starting it now: look again, and poll what it records.
    return later(polls);
  }
  await startJob(deps, call, callKey);
  return later(0);
}

const jobSlot = (call: Pick<ProviderJobCall<unknown>, 'stage' | 'jobSlot'>) => call.jobSlot ?? call.stage;

function isStale(claim: StoredProviderJob, leaseSeconds: number): boolean {
  return Date.parse(claim.claimedAt) < Date.now() - leaseSeconds * 1000;
}

/** Claims the start, then reserves, starts and records the job; a lost claim starts nothing. */
async function startJob<T>(deps: StageDeps, call: ProviderJobCall<T>, callKey: string): Promise<void> {
  const claimedAt = new Date();
  const claim: StoredProviderJob = {
    callKey,
    provider: call.provider,
    model: call.model,
    state: 'STARTING',
    claimId: randomUUID(),
    claimedAt: claimedAt.toISOString(),
  };
  const staleBefore = new Date(claimedAt.getTime() - call.claimLeaseSeconds * 1000).toISOString();
  if (!(await deps.productions.claimProviderJob(call.scene, jobSlot(call), claim, staleBefore))) {
    if (call.held) await deps.ledger.release(call.held.reservation);
    return;
  }

  let held: Awaited<ReturnType<typeof reserveCall>>;
  let jobId: string;
  try {
    held = call.held ?? (await reserveCall(deps, call));
  } catch (error) {
    await deps.productions.dropProviderJob(call.scene, jobSlot(call), claim.claimId);
    throw error;
  }
  const ledger = attemptLedger(deps, call, held);
  let reservation: Reservation;
  try {
    ({ jobId } = await call.start({ idempotencyKey: held.providerKey, attempts: ledger.attempts }));
    reservation = await ledger.holdForAnswer();
  } catch (error) {
    await ledger.closeOpen(error);
    await deps.productions.dropProviderJob(call.scene, jobSlot(call), claim.claimId);
    throw error;
  }
  const job: StoredProviderJob = {
    ...claim,
    state: 'STARTED',
    jobId,
    costKey: reservation.idempotencyKey,
    providerKey: held.providerKey,
    startedAt: new Date().toISOString(),
  };
  if (await deps.productions.recordProviderJob(call.scene, jobSlot(call), job)) {
    deps.logger.info('provider job started and recorded', { scene: call.scene, stage: call.stage, jobId });
    return;
  }
  // This worker outlived its claim and another took the start over: nothing will poll this job, and the
  // other worker found its hold open and recorded it as an unconfirmed charge.
  deps.logger.warn('provider job started after its claim lapsed; it is left unpolled', {
    scene: call.scene,
    stage: call.stage,
    jobId,
  });
}

async function pollJob<T>(
  deps: StageDeps,
  call: ProviderJobCall<T>,
  job: StoredProviderJob,
  polls: number,
  later: (counted: number) => ProviderJobProgress<T>,
): Promise<ProviderJobProgress<T>> {
  const costKey = job.costKey ?? job.callKey;
  const hold = {
    productionId: call.productionId,
    idempotencyKey: costKey,
    estimateUsd: call.estimateUsd,
    scene: call.scene,
  };
  let status: Awaited<ReturnType<ProviderJobCall<T>['poll']>>;
  try {
    status = await call.poll(job.jobId!);
  } catch (error) {
    if (!isTransientPollFailure(error)) {
      // The provider says the job failed: it bills nothing for it, and the next attempt starts a new one.
      await deps.ledger.release(hold);
      await deps.productions.dropProviderJob(call.scene, jobSlot(call), job.claimId);
      throw error;
    }
    if (polls + 1 < call.maxPolls) return later(polls + 1);
    // Still out of reach: the job may yet complete and bill, so it stays recorded for the next attempt to poll.
    await deps.ledger.markUnconfirmed(hold);
    throw error;
  }
  if (status.state === 'running') {
    if (polls + 1 < call.maxPolls) return later(polls + 1);
    await deps.ledger.markUnconfirmed(hold);
    throw new ProviderTimeout(
      `${call.provider}/${call.model} job ${job.jobId} still running after ${call.maxPolls} polls`,
    );
  }
  const row = await deps.ledger.findCost(call.productionId, costKey);
  const usd = await recordResult(
    deps,
    call,
    { ...hold, estimateUsd: row?.estimateUsd ?? call.estimateUsd },
    status.result,
  );
  return { state: 'done', result: status.result.result, usd };
}
