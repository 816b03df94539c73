import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, type ITable, ProjectionType } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { PRODUCTION_TABLE } from '../../lambdas/core/contracts/table-definition.js';
import { buildTable } from './secure-defaults.js';

export interface ProductionTableProps {
  /**
   * What happens to the table when the stack is deleted; a retained table is also protected from deletion.
   *
   * @default - none, required
   */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The single table of docs/data.md (productions, scenes, cost ledger), keyed by the
 * one table definition (lambdas/core/contracts/table-definition.ts) that local/engines/resources.ts also
 * creates the embedded runtime's table from. Point-in-time recovery is on everywhere: it costs
 * little and the ledger is money. A retained table is also protected from deletion.
 */
export class ProductionTable extends Construct {
  readonly table: ITable;

  constructor(scope: Construct, id: string, props: ProductionTableProps) {
    super(scope, id);
    const { partitionKey, sortKey, statusIndex } = PRODUCTION_TABLE;
    const table = buildTable(this, 'Table', {
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      sortKey: { name: sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      removalPolicy: props.removalPolicy,
    });
    table.addGlobalSecondaryIndex({
      indexName: statusIndex.name,
      partitionKey: { name: statusIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: statusIndex.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    this.table = table;
  }
}
