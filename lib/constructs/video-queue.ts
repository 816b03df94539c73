import { Duration } from 'aws-cdk-lib';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { buildDeadLetterQueue, buildQueue } from './secure-defaults.js';

export interface VideoQueueProps {
  /**
   * The consuming worker's timeout: a message must stay invisible longer than one attempt can run.
   *
   * @default - none, required
   */
  readonly workerTimeout: Duration;
  /**
   * Deliveries of a job before it moves to the dead-letter queue.
   *
   * @default - none, required
   */
  readonly maxReceiveCount: number;
}

/** SQS's own ceiling for a visibility timeout. */
const MAX_VISIBILITY_TIMEOUT = Duration.hours(12);

/**
 * Video jobs, one per scene, each carrying the task token its Task waits on.
 * A job that keeps failing lands in the dead-letter queue instead of cycling forever.
 */
export class VideoQueue extends Construct {
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;

  constructor(scope: Construct, id: string, props: VideoQueueProps) {
    super(scope, id);
    this.deadLetterQueue = buildDeadLetterQueue(this, 'DeadLetterQueue');
    // Six times the worker's timeout, as AWS advises for a Lambda event source, so retries
    // by the event source mapping never see a message another invocation still holds.
    const visibilitySeconds = Math.min(props.workerTimeout.toSeconds() * 6, MAX_VISIBILITY_TIMEOUT.toSeconds());
    this.queue = buildQueue(this, 'Queue', {
      visibilityTimeout: Duration.seconds(visibilitySeconds),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });
  }
}
