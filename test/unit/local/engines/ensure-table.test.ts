import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startLocalTable } from '../../../support/local-table.js';

describe('the local table, made for a fresh data directory', () => {
  it('is ACTIVE when ensureTable returns, so the first write of a run is not refused while it is CREATING', async () => {
    // Prepare: the table stays CREATING for a while after CreateTable answers, as a loaded machine makes it.
    const table = await startLocalTable('fresh-productions', { createTableMs: 1500 });
    onTestFinished(() => table.stop());

    // Act
    const described = await table.dynamo.send(new DescribeTableCommand({ TableName: table.tableName }));
    const written = table.dynamo.send(
      new PutCommand({ TableName: table.tableName, Item: { PK: 'PRODUCTION#p', SK: 'META' } }),
    );

    // Assess
    expect(described.Table?.TableStatus).toBe('ACTIVE');
    await expect(written).resolves.toBeDefined();
  });
});
