import { Duration, Validations } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { assetKeys } from '../../lambdas/core/contracts/keys.js';
import { buildDeadLetterQueue } from './secure-defaults.js';
import type { StageFunction } from './stage-function.js';

export interface ManifestTriggerProps {
  /**
   * The asset bucket; the rule matches its Object Created events, so it must publish them to EventBridge.
   *
   * @default - none, required
   */
  readonly bucket: IBucket;
  /**
   * lambdas/start-production: names the execution after the object's ETag and starts it.
   *
   * @default - none, required
   */
  readonly starter: StageFunction;
}

/**
 * A manifest uploaded under `manifests/` starts a production: S3 -> EventBridge rule ->
 * start-production -> StartExecution. The execution name comes from the object's ETag, so
 * uploading the same bytes again is refused by Step Functions and starts nothing.
 * An event that cannot be delivered or handled after retries waits in a dead-letter queue.
 */
export class ManifestTrigger extends Construct {
  readonly rule: Rule;
  readonly deadLetterQueue: IQueue;

  constructor(scope: Construct, id: string, props: ManifestTriggerProps) {
    super(scope, id);
    const deadLetterQueue = buildDeadLetterQueue(this, 'DeadLetterQueue');
    Validations.of(deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the trigger rule and function; a queue behind it would never be read.',
    });
    this.deadLetterQueue = deadLetterQueue;

    this.rule = new Rule(this, 'ManifestUploaded', {
      description: 'A manifest uploaded under manifests/ starts its production',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [props.bucket.bucketName] },
          // A pattern cannot also exclude the *.errors.json files validation writes here; start-production skips those.
          object: { key: [{ prefix: assetKeys.manifestsPrefix }] },
        },
      },
      targets: [
        new LambdaFunction(props.starter.function, {
          deadLetterQueue,
          retryAttempts: 4,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });
    // Failures inside the function (asynchronous invocation) land in the same queue.
    props.starter.function.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(deadLetterQueue) });
  }
}
