/**
 * The production table's key schema (docs/data.md): the CDK construct declares it and
 * the local runtime creates dynalite's table from it, so the two cannot drift apart; the
 * video worker's idempotency layer names its key attributes from it. The stores name them
 * only through the helpers below: an item's key, the `#pk`/`#sk` names of an expression, and
 * the status index's entry.
 */
import { type SceneRef, tableKeys } from './keys.js';

export const PRODUCTION_TABLE = {
  partitionKey: 'PK',
  sortKey: 'SK',
  statusIndex: { name: 'ByStatus', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
} as const;

/** Every string-typed key attribute of the table and its indexes. */
export const PRODUCTION_TABLE_KEY_ATTRIBUTES = [
  PRODUCTION_TABLE.partitionKey,
  PRODUCTION_TABLE.sortKey,
  PRODUCTION_TABLE.statusIndex.partitionKey,
  PRODUCTION_TABLE.statusIndex.sortKey,
] as const;

const { partitionKey, sortKey, statusIndex } = PRODUCTION_TABLE;

/** An item's primary key, under the table's own attribute names. */
export type ItemKey = Record<typeof partitionKey | typeof sortKey, string>;

export const itemKey = (partition: string, sort: string): ItemKey => ({ [partitionKey]: partition, [sortKey]: sort });

export const productionKey = (productionId: string): ItemKey =>
  itemKey(tableKeys.productionPk(productionId), tableKeys.meta);

export const sceneKey = (scene: SceneRef): ItemKey =>
  itemKey(tableKeys.productionPk(scene.productionId), tableKeys.sceneSk(scene.episodeId, scene.sceneId));

export const costKey = (productionId: string, idempotencyKey: string): ItemKey =>
  itemKey(tableKeys.productionPk(productionId), tableKeys.costSk(idempotencyKey));

export const rateLimitKey = (provider: string): ItemKey =>
  itemKey(tableKeys.rateLimitPk(provider), tableKeys.rateLimitBucket);

/** The sort key of an item read back from the table. */
export const sortKeyOf = (item: Record<string, unknown>): string => item[sortKey] as string;

/** ExpressionAttributeNames for an expression that writes `#pk` and `#sk` for the key attributes. */
export const KEY_NAMES = { '#pk': partitionKey, '#sk': sortKey } as const;
/** For an expression that tests only `#pk` (`attribute_exists(#pk)`): DynamoDB refuses a name an expression does not use. */
export const PARTITION_KEY_NAME = { '#pk': partitionKey } as const;

/**
 * The part of an update that files a production's row under `status` in the status index, newest
 * last: its SET clause, and the names and values it uses.
 */
export function statusIndexEntry(status: string, at: string) {
  return {
    set: '#statusPk = :statusPk, #statusSk = :statusAt',
    names: { '#statusPk': statusIndex.partitionKey, '#statusSk': statusIndex.sortKey },
    values: { ':statusPk': tableKeys.statusIndexPk(status), ':statusAt': at },
  };
}

/** A Query of the status index for the rows filed under `status`. */
export function statusIndexQuery(status: string) {
  return {
    IndexName: statusIndex.name,
    KeyConditionExpression: '#statusPk = :statusPk',
    ExpressionAttributeNames: { '#statusPk': statusIndex.partitionKey },
    ExpressionAttributeValues: { ':statusPk': tableKeys.statusIndexPk(status) },
  };
}
