import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * SDK clients, created once per process. Endpoints come from the standard
 * AWS_ENDPOINT_URL_<SERVICE> variables, so the same code talks to AWS or to
 * the local engines without knowing which.
 */
export interface AwsClients {
  s3: S3Client;
  dynamo: DynamoDBDocumentClient;
  sqs: SQSClient;
  sfn: SFNClient;
}

export function createAwsClients(options: { s3ForcePathStyle?: boolean } = {}): AwsClients {
  return {
    s3: new S3Client({ forcePathStyle: options.s3ForcePathStyle ?? false }),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    }),
    sqs: new SQSClient({}),
    sfn: new SFNClient({}),
  };
}
