import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Table, TableEncryption, type TableProps } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type LogGroupProps, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type BucketProps, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Topic, type TopicProps } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/*
 * The settings every queue, log group, bucket, table and topic of the stack is created with,
 * in one place so a new resource cannot forget one (the aws-solutions-constructs `build...`
 * helpers). Each builder's props leave out the settings it fixes, so a
 * caller cannot weaken them; the rest of the resource's own props pass through unchanged.
 */

/** A dead letter waits for a person; SQS's longest retention gives them two weeks. */
export const DEAD_LETTER_RETENTION = Duration.days(14);

/** The props of {@link buildQueue}: a `Queue`'s, less its encryption and transport settings. */
export type BuildQueueProps = Omit<QueueProps, 'encryption' | 'encryptionMasterKey' | 'dataKeyReuse' | 'enforceSSL'>;

/** An SQS queue encrypted with SQS-managed keys that refuses requests not sent over TLS. */
export function buildQueue(scope: Construct, id: string, props: BuildQueueProps = {}): Queue {
  return new Queue(scope, id, { ...props, encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
}

/** A {@link buildQueue} queue that keeps its messages for {@link DEAD_LETTER_RETENTION}. */
export function buildDeadLetterQueue(scope: Construct, id: string): Queue {
  return buildQueue(scope, id, { retentionPeriod: DEAD_LETTER_RETENTION });
}

/** The props of {@link buildLogGroup}: a `LogGroup`'s, with retention and removal required. */
export interface BuildLogGroupProps extends Omit<LogGroupProps, 'retention' | 'removalPolicy'> {
  /**
   * How long events are kept. Required because CDK's own default keeps them two years.
   *
   * @default - none, required
   */
  readonly retention: RetentionDays;
  /**
   * What happens to the log group when the stack is deleted; the stack has logs follow its data.
   *
   * @default - none, required
   */
  readonly removalPolicy: RemovalPolicy;
}

/** A log group whose retention and removal policy are always chosen, never left to CDK's defaults. */
export function buildLogGroup(scope: Construct, id: string, props: BuildLogGroupProps): LogGroup {
  return new LogGroup(scope, id, props);
}

/** The props of {@link buildBucket}: a `Bucket`'s, less its access, encryption and ownership settings. */
export type BuildBucketProps = Omit<
  BucketProps,
  | 'blockPublicAccess'
  | 'publicReadAccess'
  | 'encryption'
  | 'encryptionKey'
  | 'bucketKeyEnabled'
  | 'enforceSSL'
  | 'objectOwnership'
>;

/**
 * A private, TLS-only S3 bucket with ACLs disabled. SSE-S3 rather than KMS: server access logs
 * can only be delivered to an SSE-S3 bucket with bucket-owner-enforced ownership, and one
 * setting for every bucket lets any of them be a log target.
 */
export function buildBucket(scope: Construct, id: string, props: BuildBucketProps): Bucket {
  return new Bucket(scope, id, {
    ...props,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
  });
}

/** The props of {@link buildTable}: a `Table`'s, less its encryption and recovery settings, with removal required. */
export interface BuildTableProps
  extends Omit<
    TableProps,
    | 'encryption'
    | 'encryptionKey'
    | 'pointInTimeRecovery'
    | 'pointInTimeRecoverySpecification'
    | 'deletionProtection'
    | 'removalPolicy'
  > {
  /**
   * What happens to the table when the stack is deleted; a retained table is also protected from deletion.
   *
   * @default - none, required
   */
  readonly removalPolicy: RemovalPolicy;
}

/** A DynamoDB table encrypted with the AWS-managed key, with point-in-time recovery and, when retained, deletion protection. */
export function buildTable(scope: Construct, id: string, props: BuildTableProps): Table {
  return new Table(scope, id, {
    ...props,
    encryption: TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: props.removalPolicy === RemovalPolicy.RETAIN,
  });
}

/** The props of {@link buildTopic}: a `Topic`'s, less its encryption and transport settings, with its key's removal required. */
export interface BuildTopicProps extends Omit<TopicProps, 'masterKey' | 'enforceSSL'> {
  /**
   * What happens to the topic's KMS key when the stack is deleted; the stack has it follow its data, as its logs do.
   *
   * @default - none, required
   */
  readonly keyRemovalPolicy: RemovalPolicy;
}

/**
 * An SNS topic that CloudWatch alarms of this account and region (and nothing else AWS runs) may
 * publish to, that refuses requests not sent over TLS, encrypted at rest with a customer-managed
 * KMS key of its own, rotated yearly. Not the AWS-managed `alias/aws/sns` key: its key policy
 * cannot be changed, so CloudWatch could never use it and alarms would fail to publish, silently.
 * The key policy lets those alarms make the data keys a publish needs; the account keeps
 * administering the key through IAM.
 */
export function buildTopic(scope: Construct, id: string, props: BuildTopicProps): Topic {
  const { keyRemovalPolicy, ...topicProps } = props;
  const key = new Key(scope, `${id}Key`, {
    description: `Encrypts the ${id} SNS topic; CloudWatch alarms may use it to publish`,
    enableKeyRotation: true,
    removalPolicy: keyRemovalPolicy,
  });
  const { account, region, partition } = Stack.of(scope);
  const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
  // The confused-deputy guard AWS documents for both grants: only alarms of this account and region.
  const fromThisAccountsAlarms = {
    StringEquals: { 'aws:SourceAccount': account },
    ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
  };
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'CloudWatchAlarmsPublishToTheTopic',
      principals: [cloudWatch],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      // In a key policy `*` is this key.
      resources: ['*'],
      conditions: fromThisAccountsAlarms,
    }),
  );
  const topic = new Topic(scope, id, { ...topicProps, enforceSSL: true, masterKey: key });
  // The TLS deny makes the stack write the topic's policy, which replaces SNS's default one: without this
  // statement nothing would allow CloudWatch to publish, and every alarm would notify no one.
  topic.addToResourcePolicy(
    new PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [cloudWatch],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: fromThisAccountsAlarms,
    }),
  );
  return topic;
}
