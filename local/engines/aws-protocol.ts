import type http from 'node:http';

/** How an AWS API request on one endpoint says which service it is for, and how each service answers an error. */

export type AwsService = 's3' | 'sqs' | 'dynamodb' | 'sfn' | 'secretsmanager';

/** The JSON protocols' `X-Amz-Target` prefixes, each naming its service. */
const TARGET_PREFIXES: [string, AwsService][] = [
  ['AWSStepFunctions.', 'sfn'],
  ['DynamoDB_20120810.', 'dynamodb'],
  ['DynamoDBStreams_20120810.', 'dynamodb'],
  ['AmazonSQS.', 'sqs'],
  ['secretsmanager.', 'secretsmanager'],
];

/** SigV4 credential scopes name services by their signing name: Step Functions signs as `states`. */
const SIGNING_NAMES: Record<string, AwsService> = { s3: 's3', sqs: 'sqs', dynamodb: 'dynamodb', states: 'sfn', secretsmanager: 'secretsmanager' };

/**
 * Which service a request is for, as LocalStack's edge port decides it: the `X-Amz-Target` of the JSON
 * protocols first, then the service in the SigV4 credential scope (`Credential=AKID/date/region/<service>/aws4_request`)
 * of the Authorization header or of a presigned URL's `X-Amz-Credential`. An S3 V2 signature is S3.
 * Undefined for a request that is not an AWS API call (the console's).
 */
export function serviceOf(headers: http.IncomingHttpHeaders, query: URLSearchParams): AwsService | undefined {
  const target = String(headers['x-amz-target'] ?? '');
  for (const [prefix, service] of TARGET_PREFIXES) if (target.startsWith(prefix)) return service;
  const authorization = String(headers.authorization ?? '');
  const scope = /Credential=([^,\s]+)/.exec(authorization)?.[1] ?? query.get('X-Amz-Credential') ?? undefined;
  if (scope) return SIGNING_NAMES[scope.split('/')[3] ?? ''];
  if (authorization.startsWith('AWS ') || query.has('AWSAccessKeyId')) return 's3';
  return undefined;
}

export function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** An error as S3 answers one: XML with its code and message. */
export function s3Error(response: http.ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/xml' });
  response.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message.replace(/[<&]/g, ' ')}</Message></Error>`);
}

/** An error as the JSON protocols (DynamoDB, SQS, Step Functions, Secrets Manager) answer one. */
export function jsonError(response: http.ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
  response.end(JSON.stringify({ __type: code, message }));
}
