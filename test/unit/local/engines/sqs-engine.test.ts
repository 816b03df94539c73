import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { redriveDeadLetters } from '../../../../local/commands/dead-letters.js';
import { SqsEngine } from '../../../../local/engines/sqs-engine.js';

const CHILD = fileURLToPath(new URL('../../../support/sqs-engine-child.ts', import.meta.url));
const identity = { region: 'us-east-1', accountId: '000000000000' };

/** A directory of the test's own for the engine's journal. */
async function ownDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-sqs-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** An engine over `dir` and a client for it; stopped when the test ends unless the test stops it first. */
async function engineOver(dir: string) {
  const engine = SqsEngine.open(dir, identity);
  const endpoint = await engine.listen();
  const sqs = new SQSClient({
    endpoint,
    region: identity.region,
    credentials: { accessKeyId: 'k', secretAccessKey: 's' },
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    sqs.destroy();
    await engine.close();
  };
  onTestFinished(stop);
  const queue = async (name: string, attributes?: Record<string, string>) =>
    (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
  const receive = async (queueUrl: string, options: { waitSeconds?: number; visibilitySeconds?: number } = {}) =>
    (
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: options.waitSeconds ?? 0,
          VisibilityTimeout: options.visibilitySeconds,
          MessageSystemAttributeNames: ['All'],
        }),
      )
    ).Messages ?? [];
  return { sqs, queue, receive, stop };
}

const bodies = (messages: { Body?: string }[]) => messages.map((message) => message.Body).sort();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the embedded SQS', () => {
  it('keeps every message of a process killed with SIGKILL: waiting, delayed and in flight, each delivered when SQS would', async () => {
    // Prepare: a process leaves one message waiting, one delayed 2 s and one in flight for 2 s, and is killed
    const dir = await ownDir();
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    onTestFinished(() => void child.kill('SIGKILL'));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve()),
    );
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));

    // Act
    const restarted = await engineOver(dir);
    const queueUrl = await restarted.queue('jobs');
    const atOnce = await restarted.receive(queueUrl, { visibilitySeconds: 30 });
    await sleep(Math.max(0, killedAt + 2_300 - Date.now()));
    const later = await restarted.receive(queueUrl);

    // Assess
    expect(bodies(atOnce)).toEqual(['waiting']);
    expect(bodies(later)).toEqual(['delayed', 'in flight']);
    expect(later.find((message) => message.Body === 'in flight')?.Attributes?.ApproximateReceiveCount).toBe('2');
  });

  it('forgets a deleted message across a restart, and deletes only by the latest receipt handle', async () => {
    // Prepare: two messages, one deleted, the other received twice and deleted with its first handle
    const dir = await ownDir();
    const first = await engineOver(dir);
    const queueUrl = await first.queue('jobs', { VisibilityTimeout: '1' });
    await first.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'done' }));
    await first.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'kept' }));
    const staleHandle = (await first.receive(queueUrl)).find((message) => message.Body === 'kept')!.ReceiptHandle!;
    await sleep(1_100);
    const done = (await first.receive(queueUrl)).find((message) => message.Body === 'done')!;

    // Act
    const deleted = await first.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'a', ReceiptHandle: done.ReceiptHandle! },
          { Id: 'b', ReceiptHandle: staleHandle },
        ],
      }),
    );
    await first.stop();
    const restarted = await engineOver(dir);
    await sleep(1_100);

    // Assess
    expect(deleted.Successful?.map((entry) => entry.Id).sort()).toEqual(['a', 'b']);
    expect(bodies(await restarted.receive(queueUrl))).toEqual(['kept']);
  });

  it('moves a message to the dead-letter queue after maxReceiveCount receives, and a move task takes it back', async () => {
    // Prepare
    const dir = await ownDir();
    const { sqs, queue, receive } = await engineOver(dir);
    const deadLetterUrl = await queue('jobs-dlq');
    const deadLetterArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: deadLetterUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes!.QueueArn!;
    const queueUrl = await queue('jobs', {
      VisibilityTimeout: '1',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount: 2 }),
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'poison' }));
    const firstReceive = await receive(queueUrl);
    await sleep(1_100);
    const receives = [firstReceive, await receive(queueUrl)];
    await sleep(1_100);

    // Act
    const afterMax = await receive(queueUrl);
    const deadLetters = await receive(deadLetterUrl);
    await sleep(1_100);
    const moved = await redriveDeadLetters(sqs, deadLetterArn);
    const redriven = await receive(queueUrl);

    // Assess
    expect(receives.map(bodies)).toEqual([['poison'], ['poison']]);
    expect(afterMax).toEqual([]);
    expect(bodies(deadLetters)).toEqual(['poison']);
    expect(deadLetters[0]!.Attributes?.DeadLetterQueueSourceArn).toMatch(/:jobs$/);
    expect(moved).toBe(1);
    expect(redriven.map((message) => [message.Body, message.Attributes?.ApproximateReceiveCount])).toEqual([
      ['poison', '1'],
    ]);
  });

  it('answers a long poll as soon as a message arrives, and not before its delay', async () => {
    // Prepare
    const dir = await ownDir();
    const { sqs, queue, receive } = await engineOver(dir);
    const queueUrl = await queue('jobs');
    const started = Date.now();

    // Act
    const polled = receive(queueUrl, { waitSeconds: 5 });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'late', DelaySeconds: 1 }));
    const messages = await polled;

    // Assess
    expect(bodies(messages)).toEqual(['late']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('reopens a journal whose last line the killed process was still writing', async () => {
    // Prepare: a message kept, then half of a write that was never answered
    const dir = await ownDir();
    const first = await engineOver(dir);
    const queueUrl = await first.queue('jobs');
    await first.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'kept' }));
    await first.stop();
    await appendFile(path.join(dir, 'journal.jsonl'), '{"op":"put","queue":"jobs","message":{"id":"torn","bo');

    // Act
    const restarted = await engineOver(dir);

    // Assess
    expect(bodies(await restarted.receive(queueUrl))).toEqual(['kept']);
  });
});
