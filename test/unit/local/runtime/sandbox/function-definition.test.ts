import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AssemblyStackNotFound,
  type CloudFormationTemplate,
  readAssemblyStack,
} from '../../../../../local/runtime/sandbox/cloud-assembly.js';
import {
  FunctionNotRunnable,
  functionDefinition,
  nodeFunctionIds,
} from '../../../../../local/runtime/sandbox/function-definition.js';
import { type ResourceReferences, UnresolvableReference } from '../../../../../local/runtime/sandbox/intrinsics.js';

const CODE_ASSET = 'asset.code';
const FIRST_LAYER_ASSET = 'asset.layer-one';
const SECOND_LAYER_ASSET = 'asset.layer-two';

const REFERENCES: ResourceReferences = {
  'AWS::Region': { Ref: 'us-east-1' },
  'AWS::AccountId': { Ref: '000000000000' },
  Bucket: { Ref: 'local-assets', Arn: 'arn:aws:s3:::local-assets' },
  Table: { Ref: 'local-productions', Arn: 'arn:aws:dynamodb:us-east-1:000000000000:table/local-productions' },
  Worker: { Ref: 'local-worker' },
};

/** A stack fragment written as CDK writes one: a function with two layers and an environment of every intrinsic the resolver evaluates. */
function fragment(
  environment: Record<string, unknown>,
  functionProperties: Record<string, unknown> = {},
): CloudFormationTemplate {
  return {
    Resources: {
      Worker: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Handler: 'index.handler',
          Runtime: 'nodejs24.x',
          Layers: [{ Ref: 'LayerOne' }, { Ref: 'LayerTwo' }],
          Environment: { Variables: environment },
          ...functionProperties,
        },
        Metadata: { 'aws:asset:path': CODE_ASSET, 'aws:asset:property': 'Code' },
      },
      LayerOne: {
        Type: 'AWS::Lambda::LayerVersion',
        Properties: {},
        Metadata: { 'aws:asset:path': FIRST_LAYER_ASSET },
      },
      LayerTwo: {
        Type: 'AWS::Lambda::LayerVersion',
        Properties: {},
        Metadata: { 'aws:asset:path': SECOND_LAYER_ASSET },
      },
      Bucket: { Type: 'AWS::S3::Bucket' },
      Table: { Type: 'AWS::DynamoDB::Table' },
    },
  };
}

let cdkOut: string;

beforeAll(async () => {
  cdkOut = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-assembly-'));
  for (const asset of [CODE_ASSET, FIRST_LAYER_ASSET, SECOND_LAYER_ASSET]) await mkdir(path.join(cdkOut, asset));
});

afterAll(() => rm(cdkOut, { recursive: true, force: true }));

describe('a function read from a cloud assembly', () => {
  it('has its code and layer assets, handler, runtime and the limits Lambda defaults to', () => {
    // Prepare
    const stack = { directory: cdkOut, template: fragment({}) };

    // Act
    const definition = functionDefinition(stack, 'Worker', REFERENCES);

    // Assess
    expect(definition).toMatchObject({
      functionName: 'local-worker',
      codeDirectory: path.join(cdkOut, CODE_ASSET),
      layerDirectories: [path.join(cdkOut, FIRST_LAYER_ASSET), path.join(cdkOut, SECOND_LAYER_ASSET)],
      handler: 'index.handler',
      runtime: 'nodejs24.x',
      nodeMajor: 24,
      timeoutSeconds: 3,
      memoryMb: 128,
      ephemeralStorageMb: 512,
    });
    expect(definition.reservedConcurrency).toBeUndefined();
  });

  it("takes the template's timeout, memory, ephemeral storage and reserved concurrency", () => {
    // Prepare
    const stack = {
      directory: cdkOut,
      template: fragment(
        {},
        { Timeout: 900, MemorySize: 3008, EphemeralStorage: { Size: 2048 }, ReservedConcurrentExecutions: 4 },
      ),
    };

    // Act
    const definition = functionDefinition(stack, 'Worker', REFERENCES);

    // Assess
    expect(definition).toMatchObject({
      timeoutSeconds: 900,
      memoryMb: 3008,
      ephemeralStorageMb: 2048,
      reservedConcurrency: 4,
    });
  });

  it('resolves Ref, Fn::GetAtt, Fn::Join and Fn::Sub in the environment through the local references', () => {
    // Prepare
    const stack = {
      directory: cdkOut,
      template: fragment({
        LITERAL: 'as written',
        BUCKET_NAME: { Ref: 'Bucket' },
        TABLE_ARN: { 'Fn::GetAtt': ['Table', 'Arn'] },
        INDEX_ARN: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Table', 'Arn'] }, '/index/*']] },
        OBJECTS: { 'Fn::Sub': 'arn:aws:s3:::${Bucket}/productions/*' },
        REGIONAL: {
          'Fn::Sub': ['${Prefix}-${AWS::Region}-${Table.Arn}-${!Literal}', { Prefix: { Ref: 'AWS::AccountId' } }],
        },
        COUNT: 3,
      }),
    };

    // Act
    const { environment } = functionDefinition(stack, 'Worker', REFERENCES);

    // Assess
    expect(environment).toEqual({
      LITERAL: 'as written',
      BUCKET_NAME: 'local-assets',
      TABLE_ARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/local-productions',
      INDEX_ARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/local-productions/index/*',
      OBJECTS: 'arn:aws:s3:::local-assets/productions/*',
      REGIONAL: '000000000000-us-east-1-arn:aws:dynamodb:us-east-1:000000000000:table/local-productions-${Literal}',
      COUNT: '3',
    });
  });

  it('names the variable and the reference when a reference has no local value', () => {
    // Prepare
    const stack = { directory: cdkOut, template: fragment({ QUEUE_URL: { Ref: 'VideoQueue' } }) };

    // Act
    const reading = () => functionDefinition(stack, 'Worker', REFERENCES);

    // Assess
    expect(reading).toThrow(UnresolvableReference);
    expect(reading).toThrow(/QUEUE_URL.*\{"Ref":"VideoQueue"\}.*VideoQueue/);
  });

  it('names an attribute the references lack, and an intrinsic it does not evaluate', () => {
    // Prepare
    const missingAttribute = {
      directory: cdkOut,
      template: fragment({ BUCKET_DOMAIN: { 'Fn::GetAtt': ['Bucket', 'DomainName'] } }),
    };
    const imported = { directory: cdkOut, template: fragment({ SHARED: { 'Fn::ImportValue': 'shared-export' } }) };

    // Act
    const readings = [
      () => functionDefinition(missingAttribute, 'Worker', REFERENCES),
      () => functionDefinition(imported, 'Worker', REFERENCES),
    ];

    // Assess
    expect(readings[0]).toThrow(/BUCKET_DOMAIN.*DomainName of Bucket: it has Ref, Arn/);
    expect(readings[1]).toThrow(/SHARED.*Fn::ImportValue, which the local runtime does not evaluate/);
  });

  it('refuses a function whose asset is not in the assembly, a layer of another stack, and a runtime other than Node.js', () => {
    // Prepare
    const unbundled = fragment({});
    unbundled.Resources.Worker!.Metadata = {};
    const foreignLayer = fragment({}, { Layers: ['arn:aws:lambda:us-east-1:123456789012:layer:shared:3'] });
    const python = fragment({}, { Runtime: 'python3.13' });

    // Act
    const readings = [unbundled, foreignLayer, python].map(
      (template) => () => functionDefinition({ directory: cdkOut, template }, 'Worker', REFERENCES),
    );

    // Assess
    expect(readings[0]).toThrow(FunctionNotRunnable);
    expect(readings[0]).toThrow(/no code asset/);
    expect(readings[1]).toThrow(
      /layer "arn:aws:lambda:us-east-1:123456789012:layer:shared:3", which is not a layer of this stack/,
    );
    expect(readings[2]).toThrow(/runs python3\.13/);
  });

  it('lists only the Node.js functions', () => {
    // Prepare
    const template = fragment({});
    template.Resources.Notifications = { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'python3.13' } };

    // Act
    const ids = nodeFunctionIds({ directory: cdkOut, template });

    // Assess
    expect(ids).toEqual(['Worker']);
  });
});

describe('a stack read from a cdk.out directory', () => {
  it('is found through manifest.json, and a missing stack is named with the ones there are', async () => {
    // Prepare
    const manifest = {
      artifacts: {
        'dramaforge-dev': {
          type: 'aws:cloudformation:stack',
          properties: { templateFile: 'dramaforge-dev.template.json' },
        },
      },
    };
    await writeFile(path.join(cdkOut, 'manifest.json'), JSON.stringify(manifest));
    await writeFile(path.join(cdkOut, 'dramaforge-dev.template.json'), JSON.stringify(fragment({})));

    // Act
    const stack = readAssemblyStack(cdkOut, 'dramaforge-dev');
    const missing = () => readAssemblyStack(cdkOut, 'dramaforge-prod');

    // Assess
    expect(Object.keys(stack.template.Resources)).toContain('Worker');
    expect(missing).toThrow(AssemblyStackNotFound);
    expect(missing).toThrow(/no stack dramaforge-prod \(it has dramaforge-dev\)/);
  });
});
