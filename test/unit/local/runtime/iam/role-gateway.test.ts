import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { Authorizer } from '../../../../../local/runtime/iam/authorizer.js';
import { RoleGateway } from '../../../../../local/runtime/iam/role-gateway.js';
import type { RolePolicies, StackPolicies } from '../../../../../local/runtime/iam/stack-policies.js';

const ACCOUNT = '000000000000';
const TABLE = 'productions';
const TABLE_ARN = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${TABLE}`;
const BUCKET = 'assets';
const MACHINE_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:episodes`;

/** One function whose role reads the table and the bucket's `reads/` and reports on the episode machine's tokens, and writes nothing. */
function readerPermissions(): StackPolicies {
  const role: RolePolicies = {
    logicalId: 'ReaderRole',
    name: 'stack-ReaderRole',
    arn: `arn:aws:iam::${ACCOUNT}:role/stack-ReaderRole`,
    policies: [
      {
        name: 'ReaderRoleDefaultPolicy',
        document: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: TABLE_ARN },
            { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/reads/*` },
            { Effect: 'Allow', Action: 'states:SendTaskSuccess', Resource: MACHINE_ARN },
          ],
        },
      },
    ],
  };
  return {
    account: ACCOUNT,
    partition: 'aws',
    roles: new Map([[role.name, role]]),
    functionRoles: new Map([['reader', role]]),
    stateMachineRoles: new Map(),
    resourcePolicies: new Map(),
  };
}

/** Stands in for the engines: answers every request with an empty success, and keeps what reached it. */
async function recordingUpstream(): Promise<{
  url: string;
  reached: { method: string; path: string; token: string | undefined }[];
  close(): Promise<void>;
}> {
  const reached: { method: string; path: string; token: string | undefined }[] = [];
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      reached.push({
        method: request.method!,
        path: request.url!,
        token: request.headers['x-amz-security-token'] as string | undefined,
      });
      if (request.headers['x-amz-target']) {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        response.end('{}');
      } else {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('frame');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reached,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const cleanUps: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
});

async function gatewayFor(issuedTokens: Record<string, string> = {}) {
  const upstream = await recordingUpstream();
  cleanUps.push(upstream.close);
  const errors: unknown[] = [];
  const gateway = new RoleGateway({
    authorizer: new Authorizer(readerPermissions()),
    locator: {
      partition: 'aws',
      region: 'us-east-1',
      account: ACCOUNT,
      stateMachineOfTaskToken: (token) => issuedTokens[token],
      secretArn: (id) => id,
    },
    keyPair: { accessKeyId: 'KEY', secretAccessKey: 'SECRET' },
    upstream: () => upstream.url,
    onError: (error) => errors.push(error),
  });
  const endpoint = await gateway.listen();
  cleanUps.push(() => gateway.close());
  const clientConfig = { endpoint, region: 'us-east-1', credentials: gateway.credentialsFor('reader'), maxAttempts: 1 };
  return { gateway, endpoint, upstream, errors, clientConfig };
}

describe('the role gateway a deployed function reaches AWS through', () => {
  it("sends on what the function's role allows, signed as it came, and refuses what it does not with DynamoDB's AccessDeniedException naming the action and the table", async () => {
    // Prepare
    const { upstream, clientConfig } = await gatewayFor();
    const dynamo = new DynamoDBClient(clientConfig);
    const key = { pk: { S: 'PRODUCTION#p1' } };

    // Act
    await dynamo.send(new GetItemCommand({ TableName: TABLE, Key: key }));
    const refused = (await dynamo
      .send(new PutItemCommand({ TableName: TABLE, Item: key }))
      .catch((error: unknown) => error)) as Error & { $metadata: { httpStatusCode: number } };

    // Assess
    expect(upstream.reached).toEqual([{ method: 'POST', path: '/', token: clientConfig.credentials.sessionToken }]);
    expect(refused).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    expect(refused.message).toBe(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/stack-ReaderRole/reader is not authorized to perform: dynamodb:PutItem on resource: ${TABLE_ARN} because no identity-based policy allows the dynamodb:PutItem action`,
    );
  });

  it("authorizes an S3 object by its key: a read under the granted prefix goes on, a read elsewhere and any write are S3's AccessDenied", async () => {
    // Prepare
    const { upstream, clientConfig } = await gatewayFor();
    const s3 = new S3Client({ ...clientConfig, forcePathStyle: true });

    // Act
    const read = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'reads/ep01 keyframe.png' }));
    const elsewhere = await s3
      .send(new GetObjectCommand({ Bucket: BUCKET, Key: 'manifests/m.yaml' }))
      .catch((error: unknown) => error as Error);
    const write = await s3
      .send(new PutObjectCommand({ Bucket: BUCKET, Key: 'reads/new.png', Body: 'x' }))
      .catch((error: unknown) => error as Error);

    // Assess
    expect(await read.Body!.transformToString()).toBe('frame');
    expect(upstream.reached.map(({ method, path }) => `${method} ${path.split('?')[0]}`)).toEqual([
      `GET /${BUCKET}/reads/ep01%20keyframe.png`,
    ]);
    expect(elsewhere).toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining(`s3:GetObject on resource: "arn:aws:s3:::${BUCKET}/manifests/m.yaml"`),
    });
    expect(write).toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining(`s3:PutObject on resource: "arn:aws:s3:::${BUCKET}/reads/new.png"`),
    });
  });

  it('authorizes a task report on the state machine that issued the token, and lets a report on a token no execution issued reach the service, which answers it', async () => {
    // Prepare
    const { upstream, clientConfig } = await gatewayFor({
      'episode-token': MACHINE_ARN,
      'production-token': `${MACHINE_ARN}-production`,
    });
    const sfn = new SFNClient(clientConfig);

    // Act
    await sfn.send(new SendTaskSuccessCommand({ taskToken: 'episode-token', output: '{}' }));
    const otherMachine = await sfn
      .send(new SendTaskSuccessCommand({ taskToken: 'production-token', output: '{}' }))
      .catch((error: unknown) => error as Error);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: 'never-issued', output: '{}' }));

    // Assess
    expect(otherMachine).toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`states:SendTaskSuccess on resource: ${MACHINE_ARN}-production`),
    });
    expect(upstream.reached).toHaveLength(2);
  });

  it("refuses a request without one of its sessions' tokens, and one it cannot map to permissions, and reports the latter", async () => {
    // Prepare
    const { upstream, clientConfig, errors } = await gatewayFor();
    const stranger = new DynamoDBClient({
      ...clientConfig,
      credentials: { accessKeyId: 'KEY', secretAccessKey: 'SECRET', sessionToken: 'forged' },
    });
    const dynamo = new DynamoDBClient(clientConfig);

    // Act
    const forged = await stranger
      .send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'x' } } }))
      .catch((error: unknown) => error as Error);
    const unmapped = await dynamo
      .send(new GetItemCommand({ TableName: '', Key: { pk: { S: 'x' } } }))
      .catch((error: unknown) => error as Error);

    // Assess
    expect(forged).toMatchObject({ name: 'UnrecognizedClientException' });
    expect(unmapped).toMatchObject({
      name: 'UnmappedOperation',
      message: expect.stringContaining('names no TableName'),
    });
    expect(errors).toHaveLength(1);
    expect(upstream.reached).toEqual([]);
  });
});
