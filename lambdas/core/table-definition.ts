/**
 * The production table's key schema (docs/data.md): the CDK construct declares it and
 * the local runtime creates dynalite's table from it, so the two cannot drift apart; the
 * video worker's idempotency layer names its key attributes from it. The stores' update
 * expressions spell the same attribute names (PK, SK, GSI1PK, GSI1SK) in their text.
 */
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
