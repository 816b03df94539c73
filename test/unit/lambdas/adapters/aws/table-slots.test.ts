import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TableProviderSlots } from '../../../../../lambdas/adapters/aws/table-slots.js';
import { startLocalTable } from '../../../../support/local-table.js';
import { waitFor } from '../../../../support/wait-for.js';

const VIDEO = { provider: 'offline', model: 'camera-motion-v1' };

let table: Awaited<ReturnType<typeof startLocalTable>>;
beforeAll(async () => {
  table = await startLocalTable('table-slots');
});
afterAll(() => table.stop());

/** A pool of its own per test: each test's pool is a model name no other test uses. */
function slotsFor(model: string, options: ConstructorParameters<typeof TableProviderSlots>[3] = {}) {
  const served = { ...VIDEO, model };
  return {
    served,
    slots: new TableProviderSlots(
      table.dynamo,
      table.tableName,
      { [`offline/${model}`]: 1 },
      { pollMs: 20, ...options },
    ),
  };
}

/** Holds the pool's one slot until released, so that calls queue behind it. */
function blocker(slots: TableProviderSlots, served: typeof VIDEO) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let grant!: () => void;
  const granted = new Promise<void>((resolve) => (grant = resolve));
  const held = slots.hold(served, { lane: 'blocker', weight: 1 }, () => {
    grant();
    return released;
  });
  return { granted, release, held };
}

const waitingCount = async (slots: TableProviderSlots, served: typeof VIDEO) =>
  Object.values((await slots.snapshot(served)).waiting).reduce((sum, count) => sum + count, 0);

describe('provider slots in the production table', () => {
  it('grants two contending priorities slots in proportion to their weights', async () => {
    // Prepare: one slot held, ten calls of priority 8 and ten of priority 2 queued behind it
    const { served, slots } = slotsFor('proportion');
    const holder = blocker(slots, served);
    await holder.granted;
    const grants: string[] = [];
    const call = (lane: string, weight: number) =>
      slots.hold(served, { lane, weight }, async () => void grants.push(lane));
    const calls = [
      ...Array.from({ length: 10 }, () => call('high', 8)),
      ...Array.from({ length: 10 }, () => call('low', 2)),
    ];
    await waitFor('all twenty calls to queue', async () => (await waitingCount(slots, served)) === 20);

    // Act
    holder.release();
    await Promise.all([holder.held, ...calls]);

    // Assess: four in five of the contended grants go to the weight of 8, and the weight of 2 is not starved
    const firstTen = grants.slice(0, 10);
    expect(firstTen.filter((lane) => lane === 'high')).toHaveLength(8);
    expect(grants.slice(0, 2)).toContain('low');
    expect(grants).toHaveLength(20);
    expect(await slots.snapshot(served)).toEqual({ held: 0, waiting: {} });
  });

  it('gives a lane that was idle no banked credit: it re-enters at the current virtual time', async () => {
    // Prepare: the idle lane calls once, then the busy lane makes six calls alone
    const { served, slots } = slotsFor('no-banked-credit');
    const grants: string[] = [];
    const call = (lane: string) => slots.hold(served, { lane, weight: 1 }, async () => void grants.push(lane));
    await call('idle');
    for (let index = 0; index < 6; index++) await call('busy');
    grants.length = 0;
    const holder = blocker(slots, served);
    await holder.granted;
    const busy = Array.from({ length: 3 }, () => call('busy'));
    const idle = Array.from({ length: 3 }, () => call('idle'));
    await waitFor('all six calls to queue', async () => (await waitingCount(slots, served)) === 6);

    // Act
    holder.release();
    await Promise.all([holder.held, ...busy, ...idle]);

    // Assess: with credit banked for its idle spell the idle lane would take the first three grants
    expect(grants.slice(0, 3)).toContain('busy');
    expect(grants.slice(0, 3)).toContain('idle');
  });

  it('lets a waiter take over the lease of a holder that died, once the lease expires', async () => {
    // Prepare: a holder that never finishes nor renews (its function was killed), and a waiter in another function
    let now = 1_000_000;
    const clock = () => now;
    const { served, slots: deadFunction } = slotsFor('takeover', { leaseMs: 60_000, now: clock });
    const { slots: liveFunction } = slotsFor('takeover', { leaseMs: 60_000, now: clock });
    const dead = blocker(deadFunction, served);
    await dead.granted;
    let waiterRan = false;
    let heldWhileWaiterRan: number | undefined;
    let finishWaiter!: () => void;
    const waiterMayFinish = new Promise<void>((resolve) => (finishWaiter = resolve));
    const waiter = liveFunction.hold(served, { lane: 'waiter', weight: 5 }, async () => {
      waiterRan = true;
      await waiterMayFinish;
      heldWhileWaiterRan = (await liveFunction.snapshot(served)).held;
    });
    await waitFor('the waiter to queue', async () => (await waitingCount(liveFunction, served)) === 1);
    const ranBeforeExpiry = waiterRan;

    // Act: the dead holder's lease expires; then the dead function's late release comes in
    now += 60_000;
    await waitFor('the waiter to take over the slot', () => waiterRan);
    dead.release();
    await dead.held;
    finishWaiter();
    await waiter;

    // Assess: the slot was not taken while the lease lived, and the stale release did not free the new holder's lease
    expect(ranBeforeExpiry).toBe(false);
    expect(heldWhileWaiterRan).toBe(1);
    expect(await liveFunction.snapshot(served)).toEqual({ held: 0, waiting: {} });
  });

  it('sweeps the ticket of a waiter that died, so the queue behind it moves', async () => {
    // Prepare: a waiter queues and its function dies (its poll never runs again); a second waiter queues behind it
    let now = 2_000_000;
    const clock = () => now;
    const { served, slots } = slotsFor('dead-waiter', { leaseMs: 60_000, now: clock });
    const holder = blocker(slots, served);
    await holder.granted;
    const { slots: deadFunction } = slotsFor('dead-waiter', {
      leaseMs: 60_000,
      now: clock,
      sleep: () => new Promise<void>(() => undefined),
    });
    void deadFunction.hold(served, { lane: 'dead', weight: 10 }, async () => undefined);
    await waitFor('the dead waiter to queue', async () => (await waitingCount(slots, served)) === 1);
    // A later arrival, so the live waiter's ticket sorts behind the dead one's.
    now += 1;
    let liveRan = false;
    const live = slots.hold(served, { lane: 'live', weight: 1 }, async () => {
      liveRan = true;
    });
    await waitFor('the live waiter to queue', async () => (await waitingCount(slots, served)) === 2);

    // Act: the holder finishes, and the dead waiter's ticket outlives its lease
    holder.release();
    await holder.held;
    now += 60_000;
    await live;

    // Assess
    expect(liveRan).toBe(true);
    expect((await slots.snapshot(served)).waiting).toEqual({});
  });
});
