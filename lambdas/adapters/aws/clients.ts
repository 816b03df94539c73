import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The SDK clients every stage uses (its assets and its table), created once per process. Endpoints
 * come from the standard AWS_ENDPOINT_URL_<SERVICE> variables, so the same code talks to AWS or to
 * the local engines without knowing which. Step Functions and SQS clients are built only by the
 * handlers of the stages that call them (`AnswersTasks`, `RequeuesJobs` in pipeline/stage-deps.ts):
 * each SDK client is about 20 KB of code to load at every other function's cold start.
 */
export interface AwsClients {
  s3: S3Client;
  dynamo: DynamoDBDocumentClient;
}

export function createAwsClients(options: { s3ForcePathStyle?: boolean } = {}): AwsClients {
  return {
    s3: new S3Client({ forcePathStyle: options.s3ForcePathStyle ?? false }),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    }),
  };
}
