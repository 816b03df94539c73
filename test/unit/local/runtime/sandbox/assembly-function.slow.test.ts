import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, type LocalEngines, startEngines } from '../../../../../local/engines/embedded-engines.js';
import { ensureTable } from '../../../../../local/engines/resources.js';
import { type AssemblyStack, readAssemblyStack } from '../../../../../local/runtime/sandbox/cloud-assembly.js';
import { localReferences } from '../../../../../local/runtime/sandbox/deployed-stack.js';
import { functionDefinition, nodeFunctionIds } from '../../../../../local/runtime/sandbox/function-definition.js';
import { FunctionSandboxes } from '../../../../../local/runtime/sandbox/function-sandboxes.js';
import type { ResourceReferences } from '../../../../../local/runtime/sandbox/intrinsics.js';
import { LambdaFunctionError } from '../../../../../local/runtime/sandbox/lambda-function-error.js';
import { devAssemblyForSandboxes } from '../../../../support/dev-assembly.js';

const STACK = 'dramaforge-dev';
const BUCKET = 'sandbox-test-assets';
const TABLE = 'sandbox-test-productions';
const TWO_SCENES = fileURLToPath(new URL('../../../../e2e/fixtures/two-scenes.yaml', import.meta.url));

let cdkOut: string;
let cleanUpAssembly: () => Promise<void>;
let stack: AssemblyStack;
let engines: LocalEngines;
let dataDir: string;

/** The bucket and table these tests create stand in for the stack's; the rest get names of their kind, so every reference resolves. */
function testReferences(assembly: AssemblyStack): ResourceReferences {
  const region = engines.environment.AWS_REGION!;
  const queue = (name: string) => ({
    url: `http://127.0.0.1:9/000000000000/${name}`,
    arn: `arn:aws:sqs:${region}:000000000000:${name}`,
    name,
  });
  const machine = (name: string) => ({ arn: `arn:aws:states:${region}:000000000000:stateMachine:${name}`, name });
  return localReferences(assembly, {
    region,
    account: '000000000000',
    bucket: BUCKET,
    table: TABLE,
    videoQueue: queue('sandbox-test-video'),
    videoDeadLetterQueue: queue('sandbox-test-video-dlq'),
    productionStateMachine: machine('sandbox-test-production'),
    episodeStateMachine: machine('sandbox-test-episode'),
    functionName: (logicalId) => `${STACK}-${logicalId}`,
    roleName: (logicalId) => `${STACK}-${logicalId}`,
    functionArn: (functionName) => `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
  });
}

beforeAll(async () => {
  ({ cdkOut, cleanUp: cleanUpAssembly } = await devAssemblyForSandboxes());
  stack = readAssemblyStack(cdkOut, STACK);

  dataDir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-sandbox-engines-'));
  engines = await startEngines(dataDir, [BUCKET]);
  const dynamo = new DynamoDBClient({
    region: engines.environment.AWS_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: engines.endpoints.dynamodb,
  });
  await ensureTable(dynamo, TABLE);
  dynamo.destroy();
}, 45 * 60_000);

afterAll(async () => {
  await engines?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  await cleanUpAssembly?.();
});

function sandboxesFor(logicalIds: string[]): FunctionSandboxes {
  const references = testReferences(stack);
  return new FunctionSandboxes(
    logicalIds.map((logicalId) => functionDefinition(stack, logicalId, references)),
    {
      region: engines.environment.AWS_REGION!,
      functionArn: (definition) => references[definition.logicalId]!.Arn!,
      credentials: () => LOCAL_CREDENTIALS,
      endpoints: () => ({
        AWS_ENDPOINT_URL_S3: engines.endpoints.s3,
        AWS_ENDPOINT_URL_DYNAMODB: engines.endpoints.dynamodb,
        AWS_ENDPOINT_URL_SQS: engines.endpoints.sqs,
        AWS_ENDPOINT_URL_SFN: engines.endpoints.sfn,
      }),
    },
  );
}

describe('the functions of the synthesized dev assembly', () => {
  it("each loads in its sandbox (code at /var/task, its layers under /opt, the runtime's SDK) and answers an empty event itself", async () => {
    // Prepare
    const logicalIds = nodeFunctionIds(stack);
    const sandboxes = sandboxesFor(logicalIds);

    try {
      // Act
      const answers = [];
      for (const logicalId of logicalIds) {
        const functionName = `${STACK}-${logicalId}`;
        const answer = await sandboxes.invoke(functionName, {}).then(
          () => 'answered',
          (error: LambdaFunctionError) => `${error.name}: ${error.message.split('\n')[0]}`,
        );
        answers.push({ logicalId, invoked: sandboxes.statistics(functionName).invocations === 1, answer });
      }

      // Assess: an init failure (a module not found, a variable missing at load) never reaches an invocation,
      // and a runtime that dies or hangs answers with Lambda's Runtime.* or Sandbox.* errors, not the function's own.
      expect(answers.filter(({ invoked, answer }) => !invoked || /^(Runtime|Sandbox)\./.test(answer))).toEqual([]);
    } finally {
      await sandboxes.stop();
    }
  });

  it('each resolves: code and layer assets in the assembly, and every environment variable', () => {
    // Prepare
    const references = testReferences(stack);

    // Act
    const definitions = nodeFunctionIds(stack).map((logicalId) => functionDefinition(stack, logicalId, references));

    // Assess
    expect(definitions.length).toBeGreaterThanOrEqual(17);
    const validate = definitions.find((definition) => definition.logicalId.startsWith('ValidateManifestFunction'))!;
    expect(validate).toMatchObject({
      handler: 'index.handler',
      runtime: 'nodejs24.x',
      nodeMajor: 24,
      environment: { BUCKET_NAME: BUCKET, TABLE_NAME: TABLE },
    });
    const assemble = definitions.find((definition) => definition.logicalId.startsWith('AssembleEpisodeFunction'))!;
    expect(assemble.layerDirectories.length).toBeGreaterThanOrEqual(3);
    expect(assemble.layerDirectories.filter((directory) => !directory.startsWith(cdkOut))).toEqual([]);
  });

  it('validate-manifest runs from its bundle in a sandbox against the local engines, and refuses a bad manifest under the error name the state machine catches', async () => {
    // Prepare
    const validateId = nodeFunctionIds(stack).find((logicalId) => logicalId.startsWith('ValidateManifestFunction'))!;
    const sandboxes = sandboxesFor([validateId]);
    const functionName = `${STACK}-${validateId}`;
    const s3 = new S3Client({
      region: engines.environment.AWS_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: engines.endpoints.s3,
      forcePathStyle: true,
    });
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'manifests/two-scenes.yaml',
        Body: await readFile(TWO_SCENES, 'utf8'),
      }),
    );
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'manifests/bad.yaml', Body: 'version: 1\nproduction: Not An Id\n' }),
    );
    s3.destroy();

    try {
      // Act
      const validated = (await sandboxes.invoke(functionName, {
        bucket: BUCKET,
        key: 'manifests/two-scenes.yaml',
        executionName: 'sandbox-two-scenes',
      })) as { productionId: string };
      const refusal = await sandboxes
        .invoke(functionName, { bucket: BUCKET, key: 'manifests/bad.yaml', executionName: 'sandbox-bad' })
        .catch((error: unknown) => error);

      // Assess
      expect(validated.productionId).toMatch(/\S/);
      const dynamo = new DynamoDBClient({
        region: engines.environment.AWS_REGION,
        credentials: LOCAL_CREDENTIALS,
        endpoint: engines.endpoints.dynamodb,
      });
      const opened = await dynamo.send(new ScanCommand({ TableName: TABLE, Select: 'COUNT' }));
      dynamo.destroy();
      expect(opened.Count).toBeGreaterThan(0);
      expect(refusal).toBeInstanceOf(LambdaFunctionError);
      expect((refusal as LambdaFunctionError).name).toBe('ManifestInvalid');
      expect(sandboxes.statistics(functionName)).toMatchObject({ coldStarts: 1, invocations: 2 });
    } finally {
      await sandboxes.stop();
    }
  });
});
