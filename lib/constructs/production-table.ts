import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { STATUS_INDEX_NAME } from '../../lambdas/core/keys.js';
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
 * The single table of DESIGN.md section 5 (productions, scenes, cost ledger), keyed
 * exactly like local/resources.ts creates it for the embedded runtime: PK/SK, and the
 * ByStatus index on GSI1PK/GSI1SK. Point-in-time recovery is on everywhere: it costs
 * little and the ledger is money. A retained table is also protected from deletion.
 */
export class ProductionTable extends Construct {
  readonly table: ITable;

  constructor(scope: Construct, id: string, props: ProductionTableProps) {
    super(scope, id);
    const table = buildTable(this, 'Table', {
      partitionKey: { name: 'PK', type: AttributeType.STRING },
      sortKey: { name: 'SK', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      removalPolicy: props.removalPolicy,
    });
    table.addGlobalSecondaryIndex({
      indexName: STATUS_INDEX_NAME,
      partitionKey: { name: 'GSI1PK', type: AttributeType.STRING },
      sortKey: { name: 'GSI1SK', type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    this.table = table;
  }
}
