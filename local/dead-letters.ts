import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  DeleteMessageBatchCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const response = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(response.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(response.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/**
 * Moves every message in a dead-letter queue back to the queue it came from (or to
 * `destinationArn`), with SQS's own message move task, so the same call works on AWS
 * and on the embedded engine. Resolves with the number of messages moved once the
 * task completes.
 */
export async function redriveDeadLetters(sqs: SQSClient, deadLetterQueueArn: string, destinationArn?: string, timeoutMs = 120_000): Promise<number> {
  await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: deadLetterQueueArn, DestinationArn: destinationArn }));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: deadLetterQueueArn, MaxResults: 1 }));
    const task = Results[0];
    if (task?.Status === 'COMPLETED') return task.ApproximateNumberOfMessagesMoved ?? 0;
    if (task?.Status === 'FAILED' || task?.Status === 'CANCELLED') {
      throw new Error(`moving messages out of ${deadLetterQueueArn} ${task.Status.toLowerCase()}: ${task.FailureReason ?? 'no reason given'}`);
    }
    if (Date.now() > deadline) throw new Error(`moving messages out of ${deadLetterQueueArn} did not finish within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface StoredDeadLetter {
  body: string;
}

/**
 * The embedded SQS keeps messages in memory. A dead letter is evidence a producer
 * needs after the process ends, so the runtime saves the DLQ to disk when it stops
 * and puts the messages back when it starts.
 */
export async function saveDeadLetters(sqs: SQSClient, queueUrl: string, file: string): Promise<number> {
  const saved: StoredDeadLetter[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30 }));
    if (Messages.length === 0) break;
    saved.push(...Messages.map((message) => ({ body: message.Body ?? '' })));
    await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })) }),
    );
  }
  if (saved.length === 0) {
    await rm(file, { force: true });
    return 0;
  }
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(saved, null, 2)}\n`);
  return saved.length;
}

export async function restoreDeadLetters(sqs: SQSClient, queueUrl: string, file: string): Promise<number> {
  let saved: StoredDeadLetter[];
  try {
    saved = JSON.parse(await readFile(file, 'utf8')) as StoredDeadLetter[];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  for (const letter of saved) await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: letter.body }));
  await rm(file, { force: true });
  return saved.length;
}
