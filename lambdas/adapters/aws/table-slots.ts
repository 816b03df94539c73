import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { DramaforgeError } from '../../core/contracts/errors.js';
import { tableKeys } from '../../core/contracts/keys.js';
import {
  type ProviderSlotLimits,
  type ProviderSlots,
  type SlotClaim,
  slotLimitOf,
  slotPoolOf,
} from '../../core/contracts/ports.js';
import { itemKey, KEY_NAMES, PARTITION_KEY_NAME, PRODUCTION_TABLE } from '../../core/contracts/table-definition.js';
import * as z from '../../core/contracts/zod-mini.js';
import { unlessConditionFails } from './condition-failure.js';

/** A row of a provider model's slots, all under one partition. */
const slotKey = (pool: string, sk: string) => itemKey(tableKeys.slotPoolPk(pool), sk);

/**
 * Start tags are whole numbers so the ticket sort key orders them exactly: one call of weight w
 * spans TAG_SPAN / w, and 2520 is the least multiple of 1..10, so every manifest priority spans a
 * whole number of units.
 */
const TAG_SPAN = 2520;

/** Lane writes that lose to another caller of the same lane re-read and try again, this many times at most. */
const MAX_CONTENDED_WRITES = 32;

export interface TableSlotsOptions {
  /**
   * How long a lease or a ticket lives without being renewed: a holder or waiter whose function
   * died is taken over this long after its last renewal. The living renew at half of it.
   */
  leaseMs?: number;
  /** How often a waiter looks for a freed slot: another function frees it, so nothing can tell this one. */
  pollMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const ClockRow = z.object({ virtualTime: z.number() });
const LaneRow = z.object({ lastFinishTag: z.number() });
const TicketRow = z.object({
  [PRODUCTION_TABLE.sortKey]: z.string(),
  lane: z.string(),
  ticketId: z.string(),
  startTag: z.number(),
  expiresAt: z.number(),
});
const LeaseRow = z.object({
  [PRODUCTION_TABLE.sortKey]: z.string(),
  holder: z.string(),
  lane: z.string(),
  expiresAt: z.number(),
});

/** A lane's writes kept losing to other callers of the same lane. */
export class SlotLaneContended extends DramaforgeError {
  static readonly errorName: string = 'SlotLaneContended';
  override readonly name: string = SlotLaneContended.errorName;
}

interface Ticket {
  pool: string;
  lane: string;
  ticketId: string;
  startTag: number;
  sk: string;
}

/**
 * `WeightedSlots`' start-time fair queueing kept in the production table, so the slots are shared by
 * weight across every function and sandbox that calls a provider.
 *
 * Per pool (`SLOTS#<provider/model>`): a clock row (the virtual time), a lane row per claim (its last
 * finish tag), a ticket row per waiting call, sorted by start tag, and a lease row per slot in use
 * (`LEASE#0` .. `LEASE#<limit - 1>`). A call tags itself from its lane and the clock, queues a ticket,
 * and takes a free lease with a conditional write once no more than the free leases' number of live
 * tickets are ahead of it. A lease and a ticket carry an expiry their owner renews, so a function that
 * died leaves a lease that the next waiter takes over, and a ticket that the waiters behind it sweep.
 * dynalite has no transactions, and none are needed: each step is one conditional write, and a crash
 * between two steps leaves rows that expire.
 */
export class TableProviderSlots implements ProviderSlots {
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** This process's waiters between polls: a slot it frees wakes them at once instead of at their next poll. */
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly limits: ProviderSlotLimits,
    options: TableSlotsOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 200;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async hold<T>(served: { provider: string; model: string }, claim: SlotClaim, work: () => Promise<T>): Promise<T> {
    const limit = slotLimitOf(this.limits, served);
    if (limit === undefined) return work();
    if (!(claim.weight > 0)) throw new RangeError(`a lane's weight must be positive, not ${claim.weight}`);
    const ticket = await this.enqueue(slotPoolOf(served), claim);
    const slot = await this.awaitGrant(ticket, limit);
    // A holder renews its lease while it works, so only a holder that died is taken over.
    const renewal = setInterval(() => void this.renewLease(ticket, slot).catch(() => undefined), this.leaseMs / 2);
    renewal.unref();
    try {
      return await work();
    } finally {
      clearInterval(renewal);
      await this.release(ticket, slot);
    }
  }

  /** Leases in use and tickets waiting per lane, live ones only. */
  async snapshot(served: {
    provider: string;
    model: string;
  }): Promise<{ held: number; waiting: Record<string, number> }> {
    const pool = slotPoolOf(served);
    const now = this.now();
    const leases = (await this.rows(pool, tableKeys.slotLeasePrefix))
      .map((item) => LeaseRow.parse(item))
      .filter((lease) => lease.expiresAt > now);
    const waiting: Record<string, number> = {};
    for (const item of await this.rows(pool, tableKeys.slotTicketPrefix)) {
      const ticket = TicketRow.parse(item);
      if (ticket.expiresAt > now) waiting[ticket.lane] = (waiting[ticket.lane] ?? 0) + 1;
    }
    return { held: leases.length, waiting };
  }

  /** Tags the call as `WeightedSlots` does (the later of the clock and the lane's last finish) and queues its ticket. */
  private async enqueue(pool: string, claim: SlotClaim): Promise<Ticket> {
    const span = Math.max(1, Math.round(TAG_SPAN / claim.weight));
    for (let write = 0; write < MAX_CONTENDED_WRITES; write++) {
      const [clock, lane] = await Promise.all([
        this.item(pool, tableKeys.slotClock),
        this.item(pool, tableKeys.slotLaneSk(claim.lane)),
      ]);
      const virtualTime = clock ? ClockRow.parse(clock).virtualTime : 0;
      const lastFinishTag = lane ? LaneRow.parse(lane).lastFinishTag : undefined;
      // A lane idle since its last call re-enters at the clock: it does not bank the share it did not use.
      const startTag = Math.max(virtualTime, lastFinishTag ?? 0);
      const written = await unlessConditionFails(
        this.dynamo.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...slotKey(pool, tableKeys.slotLaneSk(claim.lane)),
              lastFinishTag: startTag + span,
            },
            ConditionExpression: lastFinishTag === undefined ? 'attribute_not_exists(#pk)' : 'lastFinishTag = :seen',
            ExpressionAttributeNames: lastFinishTag === undefined ? PARTITION_KEY_NAME : undefined,
            ExpressionAttributeValues: lastFinishTag === undefined ? undefined : { ':seen': lastFinishTag },
          }),
        ),
      );
      if (!written) continue;
      // Ties in start tag go to the earlier arrival, as in `WeightedSlots`.
      const ticketId = `${String(this.now()).padStart(15, '0')}-${randomUUID()}`;
      const ticket = { pool, lane: claim.lane, ticketId, startTag, sk: tableKeys.slotTicketSk(startTag, ticketId) };
      await this.putTicket(ticket);
      return ticket;
    }
    throw new SlotLaneContended(
      `${pool}: lane ${claim.lane} lost ${MAX_CONTENDED_WRITES} writes in a row to its other callers`,
    );
  }

  /** Waits until the ticket may take a free lease and takes it; returns the lease's slot number. */
  private async awaitGrant(ticket: Ticket, limit: number): Promise<number> {
    let renewedAt = this.now();
    for (;;) {
      const now = this.now();
      if (now - renewedAt >= this.leaseMs / 2) {
        await this.putTicket(ticket);
        renewedAt = now;
      }
      const freeSlots = await this.freeSlots(ticket.pool, limit, now);
      if (freeSlots.length > 0 && (await this.liveTicketsAhead(ticket, freeSlots.length, now)) < freeSlots.length) {
        for (const slot of freeSlots) {
          if (await this.takeLease(ticket, slot)) {
            await this.granted(ticket);
            return slot;
          }
        }
      }
      await this.nextPoll();
    }
  }

  private async nextPoll(): Promise<void> {
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    this.waiters.add(wake);
    try {
      await Promise.race([this.sleep(this.pollMs), woken]);
    } finally {
      this.waiters.delete(wake);
    }
  }

  /** Slot numbers below `limit` with no lease, or with a lease its holder stopped renewing. */
  private async freeSlots(pool: string, limit: number, now: number): Promise<number[]> {
    const taken = new Set(
      (await this.rows(pool, tableKeys.slotLeasePrefix))
        .map((item) => LeaseRow.parse(item))
        .filter((lease) => lease.expiresAt > now)
        .map((lease) => lease[PRODUCTION_TABLE.sortKey]),
    );
    return Array.from({ length: limit }, (_, slot) => slot).filter((slot) => !taken.has(tableKeys.slotLeaseSk(slot)));
  }

  /**
   * Live tickets queued before this one, counted up to `enough`; expired ones on the way are swept,
   * since their waiters died and would otherwise hold the queue.
   */
  private async liveTicketsAhead(ticket: Ticket, enough: number, now: number): Promise<number> {
    let ahead = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.dynamo.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :first AND :self',
          ExpressionAttributeNames: KEY_NAMES,
          ExpressionAttributeValues: {
            ':pk': tableKeys.slotPoolPk(ticket.pool),
            ':first': tableKeys.slotTicketPrefix,
            ':self': ticket.sk,
          },
          ConsistentRead: true,
          Limit: enough + 1,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const queued = TicketRow.parse(item);
        if (queued.ticketId === ticket.ticketId) return ahead;
        if (queued.expiresAt > now) ahead += 1;
        else await this.sweepTicket(ticket.pool, queued[PRODUCTION_TABLE.sortKey], now);
        if (ahead >= enough) return ahead;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return ahead;
  }

  private async takeLease(ticket: Ticket, slot: number): Promise<boolean> {
    const taken = await unlessConditionFails(
      this.dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...slotKey(ticket.pool, tableKeys.slotLeaseSk(slot)),
            holder: ticket.ticketId,
            lane: ticket.lane,
            expiresAt: this.now() + this.leaseMs,
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR expiresAt <= :now',
          ExpressionAttributeNames: PARTITION_KEY_NAME,
          ExpressionAttributeValues: { ':now': this.now() },
        }),
      ),
    );
    return taken !== undefined;
  }

  /** The ticket leaves the queue, and the clock moves to its start tag (never back: grants of tied tags race). */
  private async granted(ticket: Ticket): Promise<void> {
    await this.dynamo.send(new DeleteCommand({ TableName: this.tableName, Key: slotKey(ticket.pool, ticket.sk) }));
    await unlessConditionFails(
      this.dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: slotKey(ticket.pool, tableKeys.slotClock),
          UpdateExpression: 'SET virtualTime = :tag',
          ConditionExpression: 'attribute_not_exists(virtualTime) OR virtualTime < :tag',
          ExpressionAttributeValues: { ':tag': ticket.startTag },
        }),
      ),
    );
  }

  private async renewLease(ticket: Ticket, slot: number): Promise<void> {
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: slotKey(ticket.pool, tableKeys.slotLeaseSk(slot)),
        UpdateExpression: 'SET expiresAt = :expiresAt',
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeValues: { ':expiresAt': this.now() + this.leaseMs, ':holder': ticket.ticketId },
      }),
    );
  }

  /** Frees the lease unless a waiter took it over, which happens only once this holder stopped renewing it. */
  private async release(ticket: Ticket, slot: number): Promise<void> {
    await unlessConditionFails(
      this.dynamo.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: slotKey(ticket.pool, tableKeys.slotLeaseSk(slot)),
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeValues: { ':holder': ticket.ticketId },
        }),
      ),
    );
    for (const wake of this.waiters) wake();
  }

  /** Written again to renew it: the same key keeps the ticket's place in the queue. */
  private async putTicket(ticket: Ticket): Promise<void> {
    await this.dynamo.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...slotKey(ticket.pool, ticket.sk),
          lane: ticket.lane,
          ticketId: ticket.ticketId,
          startTag: ticket.startTag,
          expiresAt: this.now() + this.leaseMs,
        },
      }),
    );
  }

  private async sweepTicket(pool: string, sk: string, now: number): Promise<void> {
    await unlessConditionFails(
      this.dynamo.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: slotKey(pool, sk),
          ConditionExpression: 'expiresAt <= :now',
          ExpressionAttributeValues: { ':now': now },
        }),
      ),
    );
  }

  private async item(pool: string, sk: string): Promise<Record<string, unknown> | undefined> {
    const response = await this.dynamo.send(
      new GetCommand({
        TableName: this.tableName,
        Key: slotKey(pool, sk),
        ConsistentRead: true,
      }),
    );
    return response.Item;
  }

  private async rows(pool: string, prefix: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.dynamo.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: KEY_NAMES,
          ExpressionAttributeValues: { ':pk': tableKeys.slotPoolPk(pool), ':prefix': prefix },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}
