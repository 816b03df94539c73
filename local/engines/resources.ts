import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { PRODUCTION_TABLE, PRODUCTION_TABLE_KEY_ATTRIBUTES } from '../../lambdas/core/contracts/table-definition.js';

export interface LocalResourceNames {
  bucket: string;
  table: string;
  videoQueue: string;
  videoDeadLetterQueue: string;
}

export interface VideoQueues {
  queueUrl: string;
  deadLetterQueueUrl: string;
  deadLetterQueueArn: string;
}

export interface LocalQueueSettings {
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
}

/** The table as the CDK stack declares it, from the one table definition. */
/**
 * Creates the table if the data directory has none, and returns once it is ACTIVE: a table answers
 * CreateTable while CREATING, and any item request then fails with ResourceNotFoundException (as
 * DynamoDB's does), which a loaded machine made the first write of a fresh run meet.
 */
export async function ensureTable(dynamo: DynamoDBClient, tableName: string): Promise<void> {
  if (!(await tableExists(dynamo, tableName))) await createTable(dynamo, tableName);
  await waitUntilTableExists({ client: dynamo, minDelay: 1, maxDelay: 1, maxWaitTime: 60 }, { TableName: tableName });
}

async function tableExists(dynamo: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException) && (error as Error).name !== 'ResourceNotFoundException')
      throw error;
    return false;
  }
}

async function createTable(dynamo: DynamoDBClient, tableName: string): Promise<void> {
  const { partitionKey, sortKey, statusIndex } = PRODUCTION_TABLE;
  await dynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: PRODUCTION_TABLE_KEY_ATTRIBUTES.map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: statusIndex.name,
          KeySchema: [
            { AttributeName: statusIndex.partitionKey, KeyType: 'HASH' },
            { AttributeName: statusIndex.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
}

/**
 * The video queue and its dead-letter queue, with the redrive policy the stack sets. Queues
 * outlive a run in the data directory, so one made by an earlier run with other settings is
 * given this run's, as a deploy updates a queue in place.
 */
export async function ensureVideoQueues(
  sqs: SQSClient,
  names: Pick<LocalResourceNames, 'videoQueue' | 'videoDeadLetterQueue'>,
  settings: LocalQueueSettings,
): Promise<VideoQueues> {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: names.videoDeadLetterQueue }));
  const dlqAttributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const deadLetterQueueArn = dlqAttributes.Attributes!.QueueArn!;
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: names.videoQueue }));
  await sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: queue.QueueUrl,
      Attributes: {
        VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: deadLetterQueueArn,
          maxReceiveCount: settings.maxReceiveCount,
        }),
      },
    }),
  );
  return { queueUrl: queue.QueueUrl!, deadLetterQueueUrl: dlq.QueueUrl!, deadLetterQueueArn };
}
