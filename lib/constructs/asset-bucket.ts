import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { assetKeys, INTERMEDIATE_TAG } from '../../lambdas/core/contracts/keys.js';
import { buildBucket } from './secure-defaults.js';

export interface AssetBucketProps {
  /**
   * Applies to the asset and access-log buckets alike; DESTROY also empties them on deletion,
   * since CloudFormation cannot delete a bucket that still holds objects.
   *
   * @default - none, required
   */
  readonly removalPolicy: RemovalPolicy;
  /**
   * Keep overwritten and deleted objects as noncurrent versions.
   *
   * @default - none, required
   */
  readonly versioned: boolean;
  /**
   * Days until a cached provider result under `cache/` expires; a later run that needs it pays for it again.
   *
   * @default - none, required
   */
  readonly cacheExpirationDays: number;
  /**
   * Days until a scene intermediate (tagged on write) expires; any later run re-makes it from the cache.
   *
   * @default - none, required
   */
  readonly sceneAssetExpirationDays: number;
  /**
   * Days a noncurrent version is kept. Only read when `versioned` is true.
   *
   * @default - none, required
   */
  readonly noncurrentVersionExpirationDays: number;
}

/**
 * The one bucket: manifests in, media and reports out, the content-addressed cache.
 * Private, TLS-only, encrypted, access-logged, and publishing its events to EventBridge
 * (the manifest trigger listens there).
 */
export class AssetBucket extends Construct {
  readonly bucket: IBucket;

  constructor(scope: Construct, id: string, props: AssetBucketProps) {
    super(scope, id);
    const destroyable = props.removalPolicy === RemovalPolicy.DESTROY;

    const accessLogs = buildBucket(this, 'AccessLogs', {
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: destroyable,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging it into itself would log its own log writes forever.',
    });

    // CDK configures the EventBridge notification through a custom resource whose handler always
    // gets the AWSLambdaBasicExecutionRole managed policy; giving it our role lets us say why that is fine.
    const notificationsHandlerRole = new Role(this, 'NotificationsHandlerRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'CDK bucket-notifications custom resource (turns on EventBridge delivery)',
    });
    Validations.of(notificationsHandlerRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'Attached by the CDK bucket-notifications handler itself (no option removes it); it only lets that deploy-time function write its logs.',
    });

    this.bucket = buildBucket(this, 'Bucket', {
      notificationsHandlerRole,
      versioned: props.versioned,
      eventBridgeEnabled: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'assets/',
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: destroyable,
      lifecycleRules: [
        {
          id: 'expire-result-cache',
          prefix: assetKeys.cachePrefix,
          expiration: Duration.days(props.cacheExpirationDays),
        },
        {
          id: 'expire-scene-intermediates',
          prefix: 'productions/',
          tagFilters: { [INTERMEDIATE_TAG.key]: INTERMEDIATE_TAG.value },
          expiration: Duration.days(props.sceneAssetExpirationDays),
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        ...(props.versioned
          ? [
              {
                id: 'expire-old-versions',
                noncurrentVersionExpiration: Duration.days(props.noncurrentVersionExpirationDays),
              },
            ]
          : []),
      ],
    });
  }
}
