import { describe, expect, it } from 'vitest';
import {
  jsonProtocolPermissions,
  type ResourceLocator,
  s3Permissions,
  UnmappedOperation,
} from '../../../../../local/runtime/iam/request-permissions.js';

const LOCATOR: ResourceLocator = {
  partition: 'aws',
  region: 'us-east-1',
  account: '000000000000',
  stateMachineOfTaskToken: (token) => `arn:aws:states:us-east-1:000000000000:stateMachine:${token.split('/')[0]}`,
  secretArn: (secretId) =>
    secretId.startsWith('arn:') ? secretId : `arn:aws:secretsmanager:us-east-1:000000000000:secret:${secretId}-AbCdEf`,
};

const s3 = (method: string, key: string | undefined, headers: Record<string, string> = {}, query = '') =>
  s3Permissions({ method, bucket: 'assets', key, query: new URLSearchParams(query), headers }, LOCATOR);

describe('the permissions an S3 request needs', () => {
  it('reads and heads an object with GetObject, lists with ListBucket on the bucket, deletes with DeleteObject', () => {
    // Act
    const permissions = [
      s3('GET', 'productions/p1/a.json'),
      s3('HEAD', 'productions/p1/a.json'),
      s3('GET', undefined, {}, 'list-type=2&prefix=cache/'),
      s3('DELETE', 'cache/x'),
    ];

    // Assess
    expect(permissions).toEqual([
      [{ action: 's3:GetObject', resource: 'arn:aws:s3:::assets/productions/p1/a.json' }],
      [{ action: 's3:GetObject', resource: 'arn:aws:s3:::assets/productions/p1/a.json' }],
      [{ action: 's3:ListBucket', resource: 'arn:aws:s3:::assets' }],
      [{ action: 's3:DeleteObject', resource: 'arn:aws:s3:::assets/cache/x' }],
    ]);
  });

  it('puts with PutObject, and PutObjectTagging too when the object is tagged; copies by reading the source and writing the target', () => {
    // Act
    const put = s3('PUT', 'a', {});
    const tagged = s3('PUT', 'a', { 'x-amz-tagging': 'lifecycle=intermediate' });
    const copy = s3('PUT', 'b', { 'x-amz-copy-source': '/other/dir/a%20b.json?versionId=1' });

    // Assess
    expect(put).toEqual([{ action: 's3:PutObject', resource: 'arn:aws:s3:::assets/a' }]);
    expect(tagged).toEqual([
      { action: 's3:PutObject', resource: 'arn:aws:s3:::assets/a' },
      { action: 's3:PutObjectTagging', resource: 'arn:aws:s3:::assets/a' },
    ]);
    expect(copy).toEqual([
      { action: 's3:GetObject', resource: 'arn:aws:s3:::other/dir/a b.json' },
      { action: 's3:PutObject', resource: 'arn:aws:s3:::assets/b' },
    ]);
  });

  it('refuses to map an operation it does not know, rather than authorize it as another', () => {
    // Act
    const attempts = [
      () => s3('GET', 'a', {}, 'tagging'),
      () => s3('PUT', undefined),
      () => s3('POST', 'a', {}, 'uploads'),
    ];

    // Assess
    for (const attempt of attempts) expect(attempt).toThrow(UnmappedOperation);
  });
});

describe('the permissions a JSON-protocol request needs', () => {
  const json = (target: string, input: Record<string, unknown>) => jsonProtocolPermissions({ target, input }, LOCATOR);

  it('DynamoDB: the item operations on the table (a Query on an index, on the index), a batch on every table it names', () => {
    // Act
    const update = json('DynamoDB_20120810.UpdateItem', { TableName: 'productions' });
    const query = json('DynamoDB_20120810.Query', { TableName: 'productions', IndexName: 'byStatus' });
    const batch = json('DynamoDB_20120810.BatchWriteItem', { RequestItems: { productions: [], ledger: [] } });
    const byArn = json('DynamoDB_20120810.GetItem', {
      TableName: 'arn:aws:dynamodb:us-east-1:000000000000:table/productions',
    });

    // Assess
    expect(update).toEqual([
      { action: 'dynamodb:UpdateItem', resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/productions' },
    ]);
    expect(query).toEqual([
      {
        action: 'dynamodb:Query',
        resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/productions/index/byStatus',
      },
    ]);
    expect(batch.map(({ action, resource }) => `${action} ${resource.split('/').at(-1)}`)).toEqual([
      'dynamodb:BatchWriteItem productions',
      'dynamodb:BatchWriteItem ledger',
    ]);
    expect(byArn).toEqual([
      { action: 'dynamodb:GetItem', resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/productions' },
    ]);
  });

  it("SQS: the queue's ARN from its URL, a batch authorized by the action of one message", () => {
    // Act
    const send = json('AmazonSQS.SendMessageBatch', { QueueUrl: 'http://127.0.0.1:4566/000000000000/video-jobs' });
    const deleteBatch = json('AmazonSQS.DeleteMessageBatch', {
      QueueUrl: 'http://127.0.0.1:4566/000000000000/video-jobs',
    });

    // Assess
    expect(send).toEqual([{ action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:000000000000:video-jobs' }]);
    expect(deleteBatch).toEqual([
      { action: 'sqs:DeleteMessage', resource: 'arn:aws:sqs:us-east-1:000000000000:video-jobs' },
    ]);
  });

  it("Step Functions: executions by their ARN, a task token's answer on the state machine that issued it; Secrets Manager on the secret's full ARN", () => {
    // Act
    const start = json('AWSStepFunctions.StartExecution', {
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:episode',
    });
    const describe = json('AWSStepFunctions.DescribeExecution', {
      executionArn: 'arn:aws:states:us-east-1:000000000000:execution:episode:run-1',
    });
    const success = json('AWSStepFunctions.SendTaskSuccess', { taskToken: 'production/abc', output: '{}' });
    const secret = json('secretsmanager.GetSecretValue', { SecretId: 'provider-keys' });

    // Assess
    expect(start).toEqual([
      { action: 'states:StartExecution', resource: 'arn:aws:states:us-east-1:000000000000:stateMachine:episode' },
    ]);
    expect(describe).toEqual([
      { action: 'states:DescribeExecution', resource: 'arn:aws:states:us-east-1:000000000000:execution:episode:run-1' },
    ]);
    expect(success).toEqual([
      { action: 'states:SendTaskSuccess', resource: 'arn:aws:states:us-east-1:000000000000:stateMachine:production' },
    ]);
    expect(secret).toEqual([
      {
        action: 'secretsmanager:GetSecretValue',
        resource: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:provider-keys-AbCdEf',
      },
    ]);
  });

  it('refuses an operation it does not map, and a request that does not name its resource', () => {
    // Act
    const attempts = [
      () => json('DynamoDB_20120810.Scan', { TableName: 'productions' }),
      () => json('AmazonSQS.PurgeQueue', { QueueUrl: 'http://127.0.0.1:4566/000000000000/q' }),
      () => json('DynamoDB_20120810.GetItem', {}),
      () => json('AmazonSQS.SendMessage', { QueueUrl: 'http://127.0.0.1:4566/' }),
    ];

    // Assess
    for (const attempt of attempts) expect(attempt).toThrow(UnmappedOperation);
  });
});
