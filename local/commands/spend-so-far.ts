import { existsSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ProductionStore } from '../../lambdas/adapters/aws/production-store.js';
import type { SpendSoFar } from '../../lambdas/composition/production-estimate.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startTableEngine } from '../engines/embedded-engines.js';
import { dataDirOwner, executionsIn, isAbandoned, LOCAL_RESOURCE_NAMES } from '../runtime/index.js';

/**
 * What a production has spent so far in a data directory, from its META row: confirmed and
 * unconfirmed separately. `running` when a run holds the directory (its table opens in one process
 * at a time), `none` when the directory has no such production.
 */
export async function readSpendSoFar(dataDir: string, productionId: string): Promise<SpendSoFar | 'running' | 'none'> {
  if (!existsSync(path.join(dataDir, 'dynamodb'))) return 'none';
  if (dataDirOwner(dataDir)) return 'running';
  const executions = await executionsIn(dataDir);
  if (executions.some((record) => record.status === 'RUNNING' && !isAbandoned(record))) return 'running';
  const table = await startTableEngine(dataDir);
  const client = new DynamoDBClient({ endpoint: table.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    const meta = await new ProductionStore(
      DynamoDBDocumentClient.from(client),
      LOCAL_RESOURCE_NAMES.table,
    ).findProduction(productionId);
    if (!meta) return 'none';
    return { spentUsd: meta.spentUsd, unconfirmedUsd: meta.unconfirmedUsd ?? 0, reservedUsd: meta.reservedUsd };
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return 'none';
    throw error;
  } finally {
    client.destroy();
    await table.stop();
  }
}
