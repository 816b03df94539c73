import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { tableKeys } from '../../core/contracts/keys.js';
import { KEY_NAMES } from '../../core/contracts/table-definition.js';

/** Every item of one production whose sort key starts with `prefix` (scenes, ledger rows), across all pages, read consistently. */
export async function queryProductionItems<Item>(
  dynamo: DynamoDBDocumentClient,
  tableName: string,
  productionId: string,
  prefix: string,
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: KEY_NAMES,
        ExpressionAttributeValues: { ':pk': tableKeys.productionPk(productionId), ':prefix': prefix },
        ExclusiveStartKey: startKey,
        ConsistentRead: true,
      }),
    );
    items.push(...((page.Items ?? []) as Item[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
