import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Charge, Usage } from '../../core/ports.js';
import { budgetExceeded, reservationFor, type BudgetState, type CostRow, type Reservation } from '../../core/ledger.js';
import { tableKeys } from '../../core/keys.js';
import { round } from '../../core/money.js';
import { queryProductionItems } from './production-items.js';

const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === 'ConditionalCheckFailedException';

/**
 * Money, DESIGN.md section 5: a paid call first reserves its estimate with one
 * conditional UpdateItem on the production's META row (`availableUsd >= :estimate`,
 * where availableUsd is kept equal to budget - spent - reserved), then settles the
 * actual cost. One COST row per idempotency key records the call; its status moves
 * RESERVED -> SETTLED or RESERVED -> RELEASED exactly once, so a retried call never
 * charges twice. No transactions: dynalite has none, and conditional updates suffice.
 */
export class BudgetLedger {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private metaKey(productionId: string) {
    return { PK: tableKeys.productionPk(productionId), SK: tableKeys.meta };
  }

  private costKey(productionId: string, idempotencyKey: string) {
    return { PK: tableKeys.productionPk(productionId), SK: tableKeys.costSk(idempotencyKey) };
  }

  async findCost(productionId: string, idempotencyKey: string): Promise<CostRow | undefined> {
    const response = await this.dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: this.costKey(productionId, idempotencyKey), ConsistentRead: true }),
    );
    return response.Item as CostRow | undefined;
  }

  /**
   * Holds `estimateUsd` of the budget for one call. Returns the existing row instead when
   * the key was already settled (the call happened; do not pay again). Throws BudgetExceeded
   * when the budget cannot hold the estimate.
   */
  async reserve(input: Reservation & { stage: string }): Promise<{ reservation: Reservation; settled?: CostRow }> {
    const estimateUsd = round(input.estimateUsd);
    const reservation: Reservation = { ...input, estimateUsd };
    const existing = await this.findCost(input.productionId, input.idempotencyKey);
    const decision = reservationFor(existing);
    if (decision === 'already-paid') return { reservation, settled: existing };
    if (decision === 'held-already') return { reservation: { ...reservation, estimateUsd: existing!.estimateUsd } };

    try {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.metaKey(input.productionId),
          UpdateExpression: 'SET availableUsd = availableUsd - :estimate, reservedUsd = reservedUsd + :estimate',
          ConditionExpression: 'attribute_exists(PK) AND availableUsd >= :estimate',
          ExpressionAttributeValues: { ':estimate': estimateUsd },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const meta = await this.dynamo.send(new GetCommand({ TableName: this.tableName, Key: this.metaKey(input.productionId), ConsistentRead: true }));
      throw budgetExceeded(input.stage, estimateUsd, meta.Item as Partial<BudgetState> | undefined);
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
    try {
      await this.dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...this.costKey(input.productionId, input.idempotencyKey), ...row },
          ConditionExpression: 'attribute_not_exists(PK) OR #status = :released',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':released': 'RELEASED' },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // A concurrent delivery of the same call reserved first: hand back our hold and follow its row.
      await this.returnToBudget(input.productionId, estimateUsd, 0);
      return this.reserve(input);
    }
    return { reservation };
  }

  /** Records what the call actually cost, from the usage the provider reported. */
  async settle(reservation: Reservation, outcome: { usd: number; provider: string; model: string; units: Usage; charges?: Charge[] }): Promise<void> {
    const charges = outcome.charges && outcome.charges.length > 1 ? outcome.charges : undefined;
    const usd = round(outcome.usd);
    try {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.costKey(reservation.productionId, reservation.idempotencyKey),
          UpdateExpression: `SET #status = :settled, usd = :usd, provider = :provider, model = :model, units = :units, settledAt = :now${charges ? ', charges = :charges' : ''}`,
          ConditionExpression: '#status = :reserved',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':settled': 'SETTLED',
            ':reserved': 'RESERVED',
            ':usd': usd,
            ':provider': outcome.provider,
            ':model': outcome.model,
            ':units': outcome.units,
            ':now': new Date().toISOString(),
            ...(charges ? { ':charges': charges } : {}),
          },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return;
      throw error;
    }
    await this.returnToBudget(reservation.productionId, reservation.estimateUsd, usd);
    if (reservation.scene) {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: tableKeys.productionPk(reservation.productionId), SK: tableKeys.sceneSk(reservation.scene.episodeId, reservation.scene.sceneId) },
          UpdateExpression: 'ADD costUsd :usd',
          ExpressionAttributeValues: { ':usd': usd },
        }),
      );
    }
  }

  /** The call failed without charging: give the hold back. */
  async release(reservation: Reservation): Promise<void> {
    try {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.costKey(reservation.productionId, reservation.idempotencyKey),
          UpdateExpression: 'SET #status = :released',
          ConditionExpression: '#status = :reserved',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':released': 'RELEASED', ':reserved': 'RESERVED' },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return;
      throw error;
    }
    await this.returnToBudget(reservation.productionId, reservation.estimateUsd, 0);
  }

  private async returnToBudget(productionId: string, estimateUsd: number, spentUsd: number): Promise<void> {
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.metaKey(productionId),
        UpdateExpression: 'SET availableUsd = availableUsd + :unused, reservedUsd = reservedUsd - :estimate, spentUsd = spentUsd + :spent',
        ExpressionAttributeValues: { ':unused': round(estimateUsd - spentUsd), ':estimate': estimateUsd, ':spent': spentUsd },
      }),
    );
  }

  listCosts(productionId: string): Promise<CostRow[]> {
    return queryProductionItems<CostRow>(this.dynamo, this.tableName, productionId, tableKeys.costPrefix);
  }

}
