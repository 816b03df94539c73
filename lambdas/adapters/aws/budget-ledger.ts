import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableKeys } from '../../core/contracts/keys.js';
import { round } from '../../core/contracts/money.js';
import type { Charge, Usage } from '../../core/contracts/ports.js';
import { costKey, PARTITION_KEY_NAME, productionKey, sceneKey } from '../../core/contracts/table-definition.js';
import {
  type BudgetState,
  budgetExceeded,
  type CostRow,
  type CostStatus,
  OPEN_COST_STATUSES,
  type Reservation,
  reservationFor,
} from '../../core/domain/ledger.js';
import type { CostLedger } from '../../core/domain/store-ports.js';
import { unlessConditionFails } from './condition-failure.js';
import { queryProductionItems } from './production-items.js';

/**
 * Money (docs/data.md): a paid call first reserves its estimate with one
 * conditional UpdateItem on the production's META row (`availableUsd >= :estimate`,
 * where availableUsd is kept equal to budget - spent - unconfirmed - reserved), then
 * settles the actual cost. One COST row per idempotency key records the call, with the
 * status moves of lambdas/core/domain/ledger.ts; each move is one conditional UpdateItem on the
 * row, so it happens once, and only the delivery that made it moves the META columns.
 * No transactions: dynalite has none, and conditional updates suffice.
 */
export class BudgetLedger implements CostLedger {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async findCost(productionId: string, idempotencyKey: string): Promise<CostRow | undefined> {
    const response = await this.dynamo.send(
      new GetCommand({
        TableName: this.tableName,
        Key: costKey(productionId, idempotencyKey),
        ConsistentRead: true,
      }),
    );
    return response.Item as CostRow | undefined;
  }

  /**
   * Holds `estimateUsd` of the budget for one call. Returns the existing row instead when
   * the key was already settled (the call happened; do not pay again), or when it is still
   * open: an earlier attempt that never came back, now recorded as unconfirmed, so the caller
   * must hold another key. Throws BudgetExceeded when the budget cannot hold the estimate.
   *
   * A new key, the usual case, costs two writes: the hold, then its row, whose condition finds
   * a key already used. Only then is the row read, and the hold handed back, so a key already
   * paid briefly holds its estimate; a key already paid is still found when the budget is spent.
   * A call estimated at $0 (the offline models) holds nothing, so its row is its only write: the
   * hold would change no column, and it spends nothing a budget could refuse.
   */
  async reserve(
    input: Reservation & { stage: string },
  ): Promise<{ reservation: Reservation; settled?: CostRow; unanswered?: CostRow }> {
    const estimateUsd = round(input.estimateUsd);
    const reservation: Reservation = { ...input, estimateUsd };
    const held =
      estimateUsd === 0 ||
      (await unlessConditionFails(
        this.dynamo.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: productionKey(input.productionId),
            UpdateExpression: 'SET availableUsd = availableUsd - :estimate, reservedUsd = reservedUsd + :estimate',
            ConditionExpression: 'attribute_exists(#pk) AND availableUsd >= :estimate',
            ExpressionAttributeNames: PARTITION_KEY_NAME,
            ExpressionAttributeValues: { ':estimate': estimateUsd },
          }),
        ),
      ));
    if (!held) {
      const used = await this.usedKey(reservation);
      if (used) return used;
      const meta = await this.dynamo.send(
        new GetCommand({ TableName: this.tableName, Key: productionKey(input.productionId), ConsistentRead: true }),
      );
      throw budgetExceeded(input.stage, estimateUsd, meta.Item as Partial<BudgetState> | undefined, input.scene);
    }

    const row: CostRow = {
      productionId: input.productionId,
      idempotencyKey: input.idempotencyKey,
      stage: input.stage,
      status: 'RESERVED',
      estimateUsd,
      usd: 0,
      episodeId: input.scene?.episodeId,
      sceneId: input.scene?.sceneId,
      createdAt: new Date().toISOString(),
    };
    const recorded = await unlessConditionFails(
      this.dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...costKey(input.productionId, input.idempotencyKey), ...row },
          ConditionExpression: 'attribute_not_exists(#pk) OR #status = :released',
          ExpressionAttributeNames: { '#status': 'status', ...PARTITION_KEY_NAME },
          ExpressionAttributeValues: { ':released': 'RELEASED' },
        }),
      ),
    );
    if (recorded) return { reservation };
    await this.closeHold(input.productionId, 'RESERVED', estimateUsd, 0);
    // Released again between the write and the read: the key is free, so hold it again.
    return (await this.usedKey(reservation)) ?? this.reserve(input);
  }

  /**
   * The key's row when the call under it was already made: settled (do not pay again), or still open
   * (an earlier attempt, or a concurrent one that held first: recorded as unconfirmed, since both may
   * be billed). Undefined when the key is free.
   */
  private async usedKey(
    reservation: Reservation,
  ): Promise<{ reservation: Reservation; settled?: CostRow; unanswered?: CostRow } | undefined> {
    const existing = await this.findCost(reservation.productionId, reservation.idempotencyKey);
    const decision = reservationFor(existing);
    if (decision === 'already-paid') return { reservation, settled: existing };
    if (decision === 'unanswered') {
      await this.markUnconfirmed(existing!);
      return { reservation, unanswered: existing };
    }
    return undefined;
  }

  /**
   * Records what the call actually cost, from the usage the provider reported: closes a hold
   * or confirms an unconfirmed call. A row already settled or released is left as it is.
   */
  async settle(
    reservation: Reservation,
    outcome: { usd: number; provider: string; model: string; units: Usage; charges?: Charge[] },
  ): Promise<void> {
    const charges = outcome.charges && outcome.charges.length > 1 ? outcome.charges : undefined;
    const usd = round(outcome.usd);
    const previous = await this.moveOpenRow(reservation, {
      UpdateExpression: `SET #status = :settled, usd = :usd, provider = :provider, model = :model, units = :units, settledAt = :now${charges ? ', charges = :charges' : ''}`,
      ExpressionAttributeValues: {
        ':settled': 'SETTLED',
        ':usd': usd,
        ':provider': outcome.provider,
        ':model': outcome.model,
        ':units': outcome.units,
        ':now': new Date().toISOString(),
        ...(charges ? { ':charges': charges } : {}),
      },
    });
    if (!previous) return;
    await this.closeHold(reservation.productionId, previous.status, previous.estimateUsd, usd);
    if (reservation.scene && usd !== 0) {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: sceneKey({
            productionId: reservation.productionId,
            episodeId: reservation.scene.episodeId,
            sceneId: reservation.scene.sceneId,
          }),
          UpdateExpression: 'ADD costUsd :usd',
          ExpressionAttributeValues: { ':usd': usd },
        }),
      );
    }
  }

  /** The provider says the call never happened: give its hold, or its unconfirmed charge, back. */
  async release(reservation: Reservation): Promise<void> {
    const previous = await this.moveOpenRow(reservation, {
      UpdateExpression: 'SET #status = :released',
      ExpressionAttributeValues: { ':released': 'RELEASED' },
    });
    if (previous) await this.closeHold(reservation.productionId, previous.status, previous.estimateUsd, 0);
  }

  /**
   * The call's attempt ended without an answer, so it may have been billed: its hold becomes an
   * unconfirmed charge at the estimate, still counted against the budget.
   */
  async markUnconfirmed(reservation: Pick<Reservation, 'productionId' | 'idempotencyKey'>): Promise<void> {
    const response = await unlessConditionFails(
      this.dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: costKey(reservation.productionId, reservation.idempotencyKey),
          UpdateExpression: 'SET #status = :unconfirmed, unconfirmedAt = :now',
          ConditionExpression: '#status = :reserved',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':unconfirmed': 'UNCONFIRMED',
            ':reserved': 'RESERVED',
            ':now': new Date().toISOString(),
          },
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    if (!response) return;
    const previous = response.Attributes as CostRow;
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: productionKey(reservation.productionId),
        UpdateExpression: 'SET reservedUsd = reservedUsd - :estimate ADD unconfirmedUsd :estimate',
        ExpressionAttributeValues: { ':estimate': previous.estimateUsd },
      }),
    );
  }

  /**
   * A new execution of a production begins: every hold still open belongs to an attempt that
   * did not finish (a killed run, a function that timed out), so each is recorded as unconfirmed.
   * Returns how many there were.
   */
  async carryOpenReservations(productionId: string): Promise<number> {
    const open = (await this.listCosts(productionId)).filter((row) => row.status === 'RESERVED');
    for (const row of open) await this.markUnconfirmed(row);
    return open.length;
  }

  /** Moves an open row (RESERVED or UNCONFIRMED) with `update`; the row as it was, or undefined when it was not open. */
  private async moveOpenRow(
    reservation: Reservation,
    update: { UpdateExpression: string; ExpressionAttributeValues: Record<string, unknown> },
  ): Promise<CostRow | undefined> {
    const response = await unlessConditionFails(
      this.dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: costKey(reservation.productionId, reservation.idempotencyKey),
          UpdateExpression: update.UpdateExpression,
          ConditionExpression: '#status IN (:open0, :open1)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ...update.ExpressionAttributeValues,
            ':open0': OPEN_COST_STATUSES[0],
            ':open1': OPEN_COST_STATUSES[1],
          },
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    return response?.Attributes as CostRow | undefined;
  }

  /** An open row closed: its estimate leaves the column that held it, and what it cost becomes spent. */
  private async closeHold(
    productionId: string,
    status: CostStatus,
    estimateUsd: number,
    spentUsd: number,
  ): Promise<void> {
    // A free call held nothing and spent nothing: the budget's row would not change.
    if (estimateUsd === 0 && spentUsd === 0) return;
    const held = status === 'UNCONFIRMED' ? 'unconfirmedUsd' : 'reservedUsd';
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: productionKey(productionId),
        UpdateExpression: `SET availableUsd = availableUsd + :unused, ${held} = ${held} - :estimate, spentUsd = spentUsd + :spent`,
        ExpressionAttributeValues: {
          ':unused': round(estimateUsd - spentUsd),
          ':estimate': estimateUsd,
          ':spent': spentUsd,
        },
      }),
    );
  }

  listCosts(productionId: string): Promise<CostRow[]> {
    return queryProductionItems<CostRow>(this.dynamo, this.tableName, productionId, tableKeys.costPrefix);
  }
}
