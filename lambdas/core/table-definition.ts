/**
 * The production table's key schema (DESIGN.md section 5): the CDK construct declares it,
 * the local runtime creates dynalite's table from it, and the stores and the idempotency
 * layer name their key attributes from it, so the three can never drift apart.
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
