import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { STAGE_FUNCTIONS } from '../../lambdas/catalog.js';
import { PRODUCTION_TABLE, PRODUCTION_TABLE_KEY_ATTRIBUTES } from '../../lambdas/core/contracts/table-definition.js';
import { configuredFanOut, fitFanOut } from '../../lib/config/account-limits.js';
import { ENVIRONMENT_NAMES } from '../../lib/config/environment-config.js';
import { ENVIRONMENTS } from '../../lib/config/environments.js';
import { logicalIdOf, resourcesOfType, synthesize } from './synthesize.js';

describe.each(ENVIRONMENT_NAMES)('%s storage security', (name) => {
  it('keeps the asset bucket private, TLS-only, encrypted, access-logged and publishing to EventBridge', () => {
    // Prepare
    const { stack, template } = synthesize(name);
    const bucketId = logicalIdOf(stack.node.findChild('Assets').node.findChild('Bucket'));

    // Act
    const bucket = resourcesOfType(template, 'AWS::S3::Bucket')[bucketId]!.Properties;
    const policies = template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: bucketId } } });

    // Assess
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket.LoggingConfiguration).toMatchObject({ DestinationBucketName: { Ref: expect.any(String) } });
    expect(JSON.stringify(policies)).toContain('"aws:SecureTransport":"false"');
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: bucketId },
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    });
  });

  it('expires the content-addressed cache, tagged scene intermediates and abandoned uploads', () => {
    // Prepare
    const { stack, template } = synthesize(name);
    const bucketId = logicalIdOf(stack.node.findChild('Assets').node.findChild('Bucket'));

    // Act
    const rules = (
      resourcesOfType(template, 'AWS::S3::Bucket')[bucketId]!.Properties.LifecycleConfiguration as { Rules: object[] }
    ).Rules;

    // Assess
    expect(rules).toContainEqual(
      expect.objectContaining({
        Id: 'expire-result-cache',
        Prefix: 'cache/',
        ExpirationInDays: ENVIRONMENTS[name].data.cacheExpirationDays,
        Status: 'Enabled',
      }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({
        Id: 'expire-scene-intermediates',
        Prefix: 'productions/',
        TagFilters: [{ Key: 'dramaforge-lifecycle', Value: 'intermediate' }],
        ExpirationInDays: ENVIRONMENTS[name].data.sceneAssetExpirationDays,
        Status: 'Enabled',
      }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
    );
  });

  it('declares the table from the one table definition the local runtime also creates it from, encrypted with point-in-time recovery', () => {
    // Prepare
    const { template } = synthesize(name);

    // Act
    const tables = Object.values(resourcesOfType(template, 'AWS::DynamoDB::Table'));

    // Assess
    expect(tables).toHaveLength(1);
    expect(tables[0]!.Properties).toMatchObject({
      KeySchema: [
        { AttributeName: PRODUCTION_TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: PRODUCTION_TABLE.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: PRODUCTION_TABLE_KEY_ATTRIBUTES.map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: PRODUCTION_TABLE.statusIndex.name,
          KeySchema: [
            { AttributeName: PRODUCTION_TABLE.statusIndex.partitionKey, KeyType: 'HASH' },
            { AttributeName: PRODUCTION_TABLE.statusIndex.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  it('gives the video queue SSE, TLS-only access, a dead-letter queue and a visibility timeout above the worker timeout', () => {
    // Prepare
    const { stack, template } = synthesize(name);
    const videoJobs = stack.node.findChild('VideoJobs');
    const queueId = logicalIdOf(videoJobs.node.findChild('Queue'));
    const deadLetterId = logicalIdOf(videoJobs.node.findChild('DeadLetterQueue'));
    const workerTimeout = STAGE_FUNCTIONS.find((spec) => spec.name === 'video-worker')!.timeoutSeconds;

    // Act
    const queues = resourcesOfType(template, 'AWS::SQS::Queue');
    const queue = queues[queueId]!.Properties;

    // Assess
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(queues[deadLetterId]!.Properties.SqsManagedSseEnabled).toBe(true);
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterId, 'Arn'] },
      maxReceiveCount: ENVIRONMENTS[name].videoWorker.maxReceiveCount,
    });
    expect(queue.VisibilityTimeout as number).toBeGreaterThan(workerTimeout);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('consumes the video queue with partial batch failures and the configured maximum concurrency, fitted to the account', () => {
    // Prepare
    const { template } = synthesize(name);

    // Act
    const mappings = Object.values(resourcesOfType(template, 'AWS::Lambda::EventSourceMapping'));

    // Assess
    expect(mappings).toHaveLength(1);
    expect(mappings[0]!.Properties).toMatchObject({
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: {
        MaximumConcurrency: fitFanOut(
          configuredFanOut(ENVIRONMENTS[name]),
          ENVIRONMENTS[name].accountLimits.concurrentExecutions,
        ).videoWorkers,
      },
      BatchSize: ENVIRONMENTS[name].videoWorker.batchSize,
    });
  });
});

describe('per-environment data protection', () => {
  it('retains prod data, with deletion protection and versioning, where dev and staging are destroyed with the stack', () => {
    // Prepare
    const environments = ENVIRONMENT_NAMES.map((name) => ({ name, template: synthesize(name).template }));

    // Act
    const summary = environments.map(({ name, template }) => {
      const table = Object.values(template.findResources('AWS::DynamoDB::Table'))[0] as {
        DeletionPolicy: string;
        Properties: Record<string, unknown>;
      };
      const buckets = Object.values(
        template.findResources('AWS::S3::Bucket', { Properties: { NotificationConfiguration: Match.absent() } }),
      ) as {
        DeletionPolicy: string;
        Properties: { VersioningConfiguration?: { Status: string }; LoggingConfiguration?: unknown };
      }[];
      const assets = buckets.find((bucket) => bucket.Properties.LoggingConfiguration)!;
      return {
        name,
        tableDeletion: table.DeletionPolicy,
        deletionProtection: table.Properties.DeletionProtectionEnabled ?? false,
        bucketDeletion: assets.DeletionPolicy,
        versioning: assets.Properties.VersioningConfiguration?.Status ?? 'Off',
        autoDeletesObjects: Object.keys(template.findResources('Custom::S3AutoDeleteObjects')).length > 0,
      };
    });

    // Assess
    expect(summary).toEqual([
      {
        name: 'dev',
        tableDeletion: 'Delete',
        deletionProtection: false,
        bucketDeletion: 'Delete',
        versioning: 'Off',
        autoDeletesObjects: true,
      },
      {
        name: 'staging',
        tableDeletion: 'Delete',
        deletionProtection: false,
        bucketDeletion: 'Delete',
        versioning: 'Off',
        autoDeletesObjects: true,
      },
      {
        name: 'prod',
        tableDeletion: 'Retain',
        deletionProtection: true,
        bucketDeletion: 'Retain',
        versioning: 'Enabled',
        autoDeletesObjects: false,
      },
    ]);
  });

  it('redacts execution data from the workflow logs in prod only, and logs every event everywhere', () => {
    // Prepare
    const environments = ENVIRONMENT_NAMES.map((name) => ({ name, template: synthesize(name).template }));

    // Act
    const logging = environments.map(({ name, template }) => {
      const machine = Object.values(resourcesOfType(template, 'AWS::StepFunctions::StateMachine'))[0]!.Properties;
      return {
        name,
        logging: machine.LoggingConfiguration as { Level: string; IncludeExecutionData: boolean },
        tracing: machine.TracingConfiguration,
      };
    });

    // Assess
    expect(
      logging.map(({ name, logging: config, tracing }) => [name, config.Level, config.IncludeExecutionData, tracing]),
    ).toEqual([
      ['dev', 'ALL', true, { Enabled: true }],
      ['staging', 'ALL', true, { Enabled: true }],
      ['prod', 'ALL', false, { Enabled: true }],
    ]);
  });
});
