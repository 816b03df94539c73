/**
 * Which IAM actions on which resources an API request needs, for the operations the stack's
 * functions and state machines call (the IAM Service Authorization Reference for S3, DynamoDB,
 * SQS, Step Functions and Secrets Manager). One request may need several: a CopyObject reads its
 * source and writes its target; a batch needs its action on every table it names.
 */

export interface RequiredPermission {
  readonly action: string;
  readonly resource: string;
}

/** What the edge knows of its resources that a request names only indirectly. */
export interface ResourceLocator {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** The ARN of the state machine whose execution issued a task token; undefined for a token no execution issued. */
  stateMachineOfTaskToken(taskToken: string): string | undefined;
  /** The full ARN of a secret, from the name or ARN a `SecretId` gives. */
  secretArn(secretId: string): string;
}

/** An S3 request, path style: its method, bucket, key (none for a bucket operation), query and headers. */
export interface S3Request {
  readonly method: string;
  readonly bucket: string;
  readonly key?: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** A request of a JSON protocol: its `X-Amz-Target` and its body. */
export interface JsonProtocolRequest {
  readonly target: string;
  readonly input: Readonly<Record<string, unknown>>;
}

/** The request is for an operation this mapping does not know, or lacks what names its resource. */
export class UnmappedOperation extends Error {
  override readonly name = 'UnmappedOperation';
}

/** S3 subresources (`?tagging`, `?acl`, …) are operations of their own, with actions of their own. */
const S3_SUBRESOURCES = [
  'acl',
  'tagging',
  'uploads',
  'uploadId',
  'versioning',
  'policy',
  'cors',
  'lifecycle',
  'retention',
  'legal-hold',
  'attributes',
  'torrent',
  'restore',
  'select',
];

const header = (request: S3Request, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : value?.[0];
};

/** Permissions of GetObject, HeadObject, PutObject (with its Tagging header), CopyObject, DeleteObject and ListObjectsV2. */
export function s3Permissions(request: S3Request, locator: Pick<ResourceLocator, 'partition'>): RequiredPermission[] {
  const bucketArn = `arn:${locator.partition}:s3:::${request.bucket}`;
  const method = request.method.toUpperCase();
  const subresource = S3_SUBRESOURCES.find((name) => request.query.has(name));
  const operation = `${method} ${request.key === undefined ? 'bucket' : 'object'}${subresource ? `?${subresource}` : ''}`;
  if (request.key === undefined) {
    if (method === 'GET' && request.query.get('list-type') === '2' && !subresource)
      return [{ action: 's3:ListBucket', resource: bucketArn }];
    throw new UnmappedOperation(`S3 ${operation} of ${request.bucket} is not an operation the twin authorizes`);
  }
  const objectArn = `${bucketArn}/${request.key}`;
  if (subresource)
    throw new UnmappedOperation(`S3 ${operation} on ${objectArn} is not an operation the twin authorizes`);
  const tagging =
    header(request, 'x-amz-tagging') !== undefined ? [{ action: 's3:PutObjectTagging', resource: objectArn }] : [];
  switch (method) {
    case 'GET':
    case 'HEAD':
      return [{ action: 's3:GetObject', resource: objectArn }];
    case 'DELETE':
      return [{ action: 's3:DeleteObject', resource: objectArn }];
    case 'PUT': {
      const copySource = header(request, 'x-amz-copy-source');
      if (copySource === undefined) return [{ action: 's3:PutObject', resource: objectArn }, ...tagging];
      const source = decodeURIComponent(copySource.replace(/^\//, '').split('?')[0]!);
      return [
        { action: 's3:GetObject', resource: `arn:${locator.partition}:s3:::${source}` },
        { action: 's3:PutObject', resource: objectArn },
        ...tagging,
      ];
    }
    default:
      throw new UnmappedOperation(`S3 ${operation} on ${objectArn} is not an operation the twin authorizes`);
  }
}

function stringInput(request: JsonProtocolRequest, field: string): string {
  const value = request.input[field];
  if (typeof value !== 'string' || value === '') throw new UnmappedOperation(`${request.target} names no ${field}`);
  return value;
}

function tableArn(locator: ResourceLocator, table: string, index?: unknown): string {
  // DynamoDB takes a table's ARN wherever it takes its name.
  const arn = table.startsWith('arn:')
    ? table
    : `arn:${locator.partition}:dynamodb:${locator.region}:${locator.account}:table/${table}`;
  return typeof index === 'string' ? `${arn}/index/${index}` : arn;
}

/** A queue URL's path is `/<account>/<queue name>`, wherever the queue is served from. */
function queueArn(locator: ResourceLocator, queueUrl: string): string {
  const [account, name] = new URL(queueUrl).pathname.split('/').filter(Boolean).slice(-2);
  if (!account || !name) throw new UnmappedOperation(`${queueUrl} is not a queue URL (…/<account>/<queue name>)`);
  return `arn:${locator.partition}:sqs:${locator.region}:${account}:${name}`;
}

const DYNAMODB_ITEM_OPERATIONS = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'DescribeTable'];
/** SQS authorizes a batch by the action of one message. */
const SQS_QUEUE_OPERATIONS: Readonly<Record<string, string>> = {
  SendMessage: 'sqs:SendMessage',
  SendMessageBatch: 'sqs:SendMessage',
  ReceiveMessage: 'sqs:ReceiveMessage',
  DeleteMessage: 'sqs:DeleteMessage',
  DeleteMessageBatch: 'sqs:DeleteMessage',
  ChangeMessageVisibility: 'sqs:ChangeMessageVisibility',
  ChangeMessageVisibilityBatch: 'sqs:ChangeMessageVisibility',
  GetQueueAttributes: 'sqs:GetQueueAttributes',
};

/**
 * Permissions of a DynamoDB (`DynamoDB_20120810.`), SQS (`AmazonSQS.`), Step Functions
 * (`AWSStepFunctions.`) or Secrets Manager (`secretsmanager.`) request.
 */
export function jsonProtocolPermissions(request: JsonProtocolRequest, locator: ResourceLocator): RequiredPermission[] {
  const [prefix, operation = ''] = request.target.split('.');
  switch (prefix) {
    case 'DynamoDB_20120810': {
      if (DYNAMODB_ITEM_OPERATIONS.includes(operation)) {
        return [
          {
            action: `dynamodb:${operation}`,
            resource: tableArn(
              locator,
              stringInput(request, 'TableName'),
              operation === 'Query' ? request.input.IndexName : undefined,
            ),
          },
        ];
      }
      if (operation === 'BatchWriteItem' || operation === 'BatchGetItem') {
        const tables = Object.keys((request.input.RequestItems as Record<string, unknown> | undefined) ?? {});
        if (tables.length === 0) throw new UnmappedOperation(`${request.target} names no table in RequestItems`);
        return tables.map((table) => ({ action: `dynamodb:${operation}`, resource: tableArn(locator, table) }));
      }
      break;
    }
    case 'AmazonSQS': {
      const action = SQS_QUEUE_OPERATIONS[operation];
      if (action) return [{ action, resource: queueArn(locator, stringInput(request, 'QueueUrl')) }];
      break;
    }
    case 'AWSStepFunctions':
      switch (operation) {
        case 'StartExecution':
          return [{ action: 'states:StartExecution', resource: stringInput(request, 'stateMachineArn') }];
        case 'DescribeExecution':
        case 'StopExecution':
          return [{ action: `states:${operation}`, resource: stringInput(request, 'executionArn') }];
        case 'SendTaskSuccess':
        case 'SendTaskFailure':
        case 'SendTaskHeartbeat': {
          // A token no execution issued names no resource to authorize on: the service answers TaskDoesNotExist.
          const stateMachine = locator.stateMachineOfTaskToken(stringInput(request, 'taskToken'));
          return stateMachine === undefined ? [] : [{ action: `states:${operation}`, resource: stateMachine }];
        }
      }
      break;
    case 'secretsmanager':
      if (['GetSecretValue', 'DescribeSecret', 'PutSecretValue'].includes(operation)) {
        return [
          { action: `secretsmanager:${operation}`, resource: locator.secretArn(stringInput(request, 'SecretId')) },
        ];
      }
      break;
  }
  throw new UnmappedOperation(`${request.target} is not an operation the twin authorizes`);
}
