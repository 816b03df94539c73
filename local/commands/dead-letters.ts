import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';

export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const response = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(response.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(response.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

/**
 * Moves every message in a dead-letter queue back to the queue it came from (or to
 * `destinationArn`), with SQS's own message move task, so the same call works on AWS
 * and on the embedded engine. Resolves with the number of messages moved once the
 * task completes.
 */
export async function redriveDeadLetters(
  sqs: SQSClient,
  deadLetterQueueArn: string,
  destinationArn?: string,
  timeoutMs = 120_000,
): Promise<number> {
  await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: deadLetterQueueArn, DestinationArn: destinationArn }));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Results = [] } = await sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: deadLetterQueueArn, MaxResults: 1 }),
    );
    const task = Results[0];
    if (task?.Status === 'COMPLETED') return task.ApproximateNumberOfMessagesMoved ?? 0;
    if (task?.Status === 'FAILED' || task?.Status === 'CANCELLED') {
      throw new Error(
        `moving messages out of ${deadLetterQueueArn} ${task.Status.toLowerCase()}: ${task.FailureReason ?? 'no reason given'}`,
      );
    }
    if (Date.now() > deadline)
      throw new Error(`moving messages out of ${deadLetterQueueArn} did not finish within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
