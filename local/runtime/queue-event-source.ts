import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { LOCAL_REGION } from '../engines/embedded-engines.js';

export interface QueueEventSourceOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  // biome-ignore lint/suspicious/noConfusingVoidType: as aws-lambda's SQSHandler, a handler that reports no batch failures returns nothing.
  handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;
  context: () => Context;
  batchSize: number;
  /** As the event source mapping's ScalingConfig.MaximumConcurrency: invocations at once. */
  maxConcurrency: number;
  onError?: (error: unknown) => void;
}

function toRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: LOCAL_REGION,
  };
}

/**
 * Plays the Lambda event source mapping for the video queue: long-polls in batches,
 * invokes the worker with an SQSEvent, deletes what succeeded, and leaves each
 * `batchItemFailures` entry to reappear after the visibility timeout, so the queue's
 * redrive policy moves a poison message to the DLQ after maxReceiveCount receives.
 */
export class QueueEventSource {
  private running = false;
  private readonly inFlight = new Set<Promise<void>>();
  private loop?: Promise<void>;

  constructor(private readonly options: QueueEventSourceOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.poll();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  get busy(): number {
    return this.inFlight.size;
  }

  private async poll(): Promise<void> {
    while (this.running) {
      if (this.inFlight.size >= this.options.maxConcurrency) {
        await Promise.race(this.inFlight);
        continue;
      }
      let messages: Message[] = [];
      try {
        const response = await this.options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.options.queueUrl,
            MaxNumberOfMessages: this.options.batchSize,
            WaitTimeSeconds: 1,
            AttributeNames: ['All'],
          }),
        );
        messages = response.Messages ?? [];
      } catch (error) {
        if (!this.running) return;
        this.options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      if (messages.length === 0) continue;
      const invocation = this.invoke(messages).finally(() => this.inFlight.delete(invocation));
      this.inFlight.add(invocation);
    }
  }

  private async invoke(messages: Message[]): Promise<void> {
    const records = messages.map((message) => toRecord(message, this.options.queueArn));
    let failed: Set<string>;
    try {
      const response = await this.options.handler({ Records: records }, this.options.context());
      failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      this.options.onError?.(error);
      failed = new Set(records.map((record) => record.messageId));
    }
    const done = records.filter((record) => !failed.has(record.messageId));
    if (done.length === 0) return;
    try {
      await this.options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: done.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}
