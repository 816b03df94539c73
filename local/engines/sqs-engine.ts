import { createHash, randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { type JsonAnswer, JsonProtocolServer } from './aws-protocol.js';

/**
 * The embedded SQS: the part of the SQS JSON protocol that dramaforge speaks (queues with a
 * redrive policy, send, long-polled receive, batch delete, attributes, message move tasks), on
 * 127.0.0.1. Every message, visible, in flight or delayed, is kept in a journal under the data
 * directory, written before the request is answered, so a process killed with SIGKILL loses
 * none: the next start delivers them as SQS would, an in-flight message once its visibility
 * timeout has passed, with its receive count kept.
 */

interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

interface QueueAttributes {
  VisibilityTimeout: number;
  DelaySeconds: number;
  MessageRetentionPeriod: number;
  MaximumMessageSize: number;
  ReceiveMessageWaitTimeSeconds: number;
  RedrivePolicy?: RedrivePolicy;
}

interface StoredMessage {
  id: string;
  body: string;
  sentAt: number;
  /** When it can be received: after its delay, or after the visibility timeout of its last receive. */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** The last receive's handle: SQS deletes a message only by its most recent one. */
  receipt?: string;
  /** The queue it came from, once it is a dead letter. */
  deadLetterSourceArn?: string;
}

interface Queue {
  name: string;
  createdAt: number;
  attributes: QueueAttributes;
  messages: Map<string, StoredMessage>;
  /** Long polls waiting for a message to arrive. */
  waiters: Set<() => void>;
}

type JournalEntry =
  | { op: 'queue'; name: string; createdAt: number; attributes: QueueAttributes }
  | { op: 'put'; queue: string; message: StoredMessage }
  | { op: 'delete'; queue: string; id: string };

interface MoveTask {
  TaskHandle: string;
  Status: 'COMPLETED' | 'FAILED';
  SourceArn: string;
  DestinationArn?: string;
  ApproximateNumberOfMessagesMoved: number;
  ApproximateNumberOfMessagesToMove: number;
  StartedTimestamp: number;
  FailureReason?: string;
}

/** An SQS error as the JSON protocol carries it: the SDK reads the code from `__type` and the query-compatible header. */
class SqsError extends Error {
  constructor(
    readonly code: string,
    readonly queryCode: string,
    message: string,
  ) {
    super(message);
  }
}

const DEFAULT_ATTRIBUTES: QueueAttributes = {
  VisibilityTimeout: 30,
  DelaySeconds: 0,
  MessageRetentionPeriod: 345_600,
  MaximumMessageSize: 262_144,
  ReceiveMessageWaitTimeSeconds: 0,
};

const NUMERIC_ATTRIBUTES = [
  'VisibilityTimeout',
  'DelaySeconds',
  'MessageRetentionPeriod',
  'MaximumMessageSize',
  'ReceiveMessageWaitTimeSeconds',
] as const;

const invalid = (message: string) => new SqsError('InvalidParameterValue', 'InvalidParameterValue', message);
const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/** A journal rewritten from the live state once it holds this many entries more than there are messages. */
const COMPACT_AFTER_ENTRIES = 2_000;

export class SqsEngine {
  private readonly queues = new Map<string, Queue>();
  private readonly moveTasks: MoveTask[] = [];
  private journal!: number;
  private entriesSinceCompaction = 0;
  private readonly server = new JsonProtocolServer({
    targetPrefix: 'AmazonSQS.',
    contentType: 'application/x-amz-json-1.0',
    notJson: {
      status: 400,
      body: { __type: 'com.amazonaws.sqs#InvalidParameterValue', message: 'the request body is not JSON' },
    },
    answer: (action, input) =>
      this.handle(action, input).then(
        (output): JsonAnswer => ({ status: 200, body: output }),
        (error: unknown): JsonAnswer => {
          if (!(error instanceof SqsError))
            return { status: 500, body: { __type: 'com.amazonaws.sqs#InternalError', message: String(error) } };
          return {
            status: 400,
            body: { __type: `com.amazonaws.sqs#${error.code}`, message: error.message },
            headers: { 'x-amzn-query-error': `${error.queryCode};Sender` },
          };
        },
      ),
  });
  private port = 0;

  private constructor(
    private readonly dir: string,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /** The engine over the journal in `dir`, with every queue and message the last process left. */
  static open(dir: string, options: { region: string; accountId: string }): SqsEngine {
    const engine = new SqsEngine(dir, options.region, options.accountId);
    mkdirSync(dir, { recursive: true });
    engine.replay();
    engine.compact();
    return engine;
  }

  private get journalFile(): string {
    return path.join(this.dir, 'journal.jsonl');
  }

  private replay(): void {
    if (!existsSync(this.journalFile)) return;
    const lines = readFileSync(this.journalFile, 'utf8').split('\n').filter(Boolean);
    for (const [index, line] of lines.entries()) {
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch (error) {
        // Only the last line can be torn (the process died writing it); that write was never answered.
        if (index === lines.length - 1) break;
        throw new Error(`${this.journalFile}:${index + 1} is not a journal entry: ${(error as Error).message}`);
      }
      this.apply(entry);
    }
  }

  private apply(entry: JournalEntry): void {
    if (entry.op === 'queue') {
      const existing = this.queues.get(entry.name);
      if (existing) existing.attributes = entry.attributes;
      else
        this.queues.set(entry.name, {
          name: entry.name,
          createdAt: entry.createdAt,
          attributes: entry.attributes,
          messages: new Map(),
          waiters: new Set(),
        });
    } else if (entry.op === 'put') {
      this.queues.get(entry.queue)?.messages.set(entry.message.id, entry.message);
    } else {
      this.queues.get(entry.queue)?.messages.delete(entry.id);
    }
  }

  /** Rewrites the journal as the live state, replacing the old one in a single rename. */
  private compact(): void {
    if (this.journal !== undefined) closeSync(this.journal);
    const entries: JournalEntry[] = [];
    for (const queue of this.queues.values()) {
      entries.push({ op: 'queue', name: queue.name, createdAt: queue.createdAt, attributes: queue.attributes });
      for (const message of queue.messages.values()) entries.push({ op: 'put', queue: queue.name, message });
    }
    const next = `${this.journalFile}.next`;
    writeFileSync(next, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    renameSync(next, this.journalFile);
    this.journal = openSync(this.journalFile, 'a');
    this.entriesSinceCompaction = 0;
  }

  /**
   * Applies and journals one change before the request that made it is answered. The write reaches
   * the kernel before the answer does, which is what surviving SIGKILL needs; a power cut is not a
   * local run's concern, so there is no fsync per message.
   */
  private record(entry: JournalEntry): void {
    this.apply(entry);
    writeSync(this.journal, `${JSON.stringify(entry)}\n`);
    this.entriesSinceCompaction += 1;
    const live = [...this.queues.values()].reduce((sum, queue) => sum + queue.messages.size, 0);
    if (this.entriesSinceCompaction > COMPACT_AFTER_ENTRIES + live) this.compact();
  }

  async listen(): Promise<string> {
    const endpoint = await this.server.listen();
    this.port = this.server.port;
    return endpoint;
  }

  async close(): Promise<void> {
    for (const queue of this.queues.values()) for (const wake of queue.waiters) wake();
    await this.server.close();
    closeSync(this.journal);
  }

  private handle(action: string, input: Record<string, unknown>): Promise<unknown> {
    switch (action) {
      case 'CreateQueue':
        return Promise.resolve(this.createQueue(input));
      case 'SetQueueAttributes':
        return Promise.resolve(this.setQueueAttributes(input));
      case 'GetQueueAttributes':
        return Promise.resolve(this.getQueueAttributes(input));
      case 'SendMessage':
        return Promise.resolve(this.sendMessage(input));
      case 'ReceiveMessage':
        return this.receiveMessage(input);
      case 'DeleteMessageBatch':
        return Promise.resolve(this.deleteMessageBatch(input));
      case 'StartMessageMoveTask':
        return Promise.resolve(this.startMessageMoveTask(input));
      case 'ListMessageMoveTasks':
        return Promise.resolve(this.listMessageMoveTasks(input));
      default:
        return Promise.reject(
          new SqsError(
            'UnsupportedOperation',
            'AWS.SimpleQueueService.UnsupportedOperation',
            `${action || 'this action'} is not served by the embedded SQS`,
          ),
        );
    }
  }

  private arn(name: string): string {
    return `arn:aws:sqs:${this.region}:${this.accountId}:${name}`;
  }

  private url(name: string): string {
    return `http://127.0.0.1:${this.port}/${this.accountId}/${name}`;
  }

  private queueByUrl(value: unknown): Queue {
    return this.queueNamed(
      String(value ?? '')
        .split('/')
        .at(-1) ?? '',
    );
  }

  private queueByArn(value: unknown): Queue {
    const arn = String(value ?? '');
    if (!arn.startsWith(`arn:aws:sqs:${this.region}:${this.accountId}:`))
      throw invalid(`${arn} is not a queue ARN of this engine`);
    return this.queueNamed(arn.split(':').at(-1)!);
  }

  private queueNamed(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue)
      throw new SqsError(
        'QueueDoesNotExist',
        'AWS.SimpleQueueService.NonExistentQueue',
        'The specified queue does not exist.',
      );
    return queue;
  }

  private parseAttributes(given: unknown, base: QueueAttributes): QueueAttributes {
    const attributes: QueueAttributes = { ...base };
    for (const [name, value] of Object.entries((given ?? {}) as Record<string, string>)) {
      if ((NUMERIC_ATTRIBUTES as readonly string[]).includes(name)) {
        const number = Number(value);
        if (!Number.isInteger(number) || number < 0) throw invalid(`Invalid value for the parameter ${name}.`);
        attributes[name as (typeof NUMERIC_ATTRIBUTES)[number]] = number;
      } else if (name === 'RedrivePolicy') {
        const policy = JSON.parse(value) as { deadLetterTargetArn?: string; maxReceiveCount?: number | string };
        const maxReceiveCount = Number(policy.maxReceiveCount);
        if (!policy.deadLetterTargetArn || !Number.isInteger(maxReceiveCount) || maxReceiveCount < 1)
          throw invalid('Invalid value for the parameter RedrivePolicy.');
        this.queueByArn(policy.deadLetterTargetArn);
        attributes.RedrivePolicy = { deadLetterTargetArn: policy.deadLetterTargetArn, maxReceiveCount };
      } else {
        throw new SqsError('InvalidAttributeName', 'InvalidAttributeName', `Unknown Attribute ${name}.`);
      }
    }
    return attributes;
  }

  private createQueue(input: Record<string, unknown>) {
    const name = String(input.QueueName ?? '');
    if (!/^[a-zA-Z0-9_-]{1,80}$/.test(name))
      throw invalid('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
    const attributes = this.parseAttributes(input.Attributes, DEFAULT_ATTRIBUTES);
    const existing = this.queues.get(name);
    if (existing) {
      // As SQS does, only the attributes this request names must match the queue's.
      const named = Object.keys((input.Attributes ?? {}) as Record<string, string>) as (keyof QueueAttributes)[];
      if (named.some((key) => JSON.stringify(existing.attributes[key]) !== JSON.stringify(attributes[key]))) {
        throw new SqsError(
          'QueueNameExists',
          'QueueAlreadyExists',
          'A queue already exists with the same name and a different value for attribute(s)',
        );
      }
    } else {
      this.record({ op: 'queue', name, createdAt: Date.now(), attributes });
    }
    return { QueueUrl: this.url(name) };
  }

  private setQueueAttributes(input: Record<string, unknown>) {
    const queue = this.queueByUrl(input.QueueUrl);
    this.record({
      op: 'queue',
      name: queue.name,
      createdAt: queue.createdAt,
      attributes: this.parseAttributes(input.Attributes, queue.attributes),
    });
    return {};
  }

  private getQueueAttributes(input: Record<string, unknown>) {
    const queue = this.queueByUrl(input.QueueUrl);
    const now = Date.now();
    this.sweep(now);
    const messages = [...queue.messages.values()];
    const all: Record<string, string> = {
      QueueArn: this.arn(queue.name),
      ApproximateNumberOfMessages: String(messages.filter((m) => m.visibleAt <= now).length),
      ApproximateNumberOfMessagesNotVisible: String(
        messages.filter((m) => m.visibleAt > now && m.receiveCount > 0).length,
      ),
      ApproximateNumberOfMessagesDelayed: String(
        messages.filter((m) => m.visibleAt > now && m.receiveCount === 0).length,
      ),
      CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
      ...Object.fromEntries(NUMERIC_ATTRIBUTES.map((name) => [name, String(queue.attributes[name])])),
      ...(queue.attributes.RedrivePolicy ? { RedrivePolicy: JSON.stringify(queue.attributes.RedrivePolicy) } : {}),
    };
    const names = (input.AttributeNames as string[] | undefined) ?? [];
    return {
      Attributes: names.includes('All')
        ? all
        : Object.fromEntries(names.filter((name) => name in all).map((name) => [name, all[name]!])),
    };
  }

  private sendMessage(input: Record<string, unknown>) {
    const queue = this.queueByUrl(input.QueueUrl);
    const body = String(input.MessageBody ?? '');
    if (body.length === 0)
      throw new SqsError('MissingParameter', 'MissingParameter', 'The request must contain the parameter MessageBody.');
    if (Buffer.byteLength(body, 'utf8') > queue.attributes.MaximumMessageSize) {
      throw invalid(
        `One or more parameters are invalid. Reason: Message must be shorter than ${queue.attributes.MaximumMessageSize} bytes.`,
      );
    }
    const delaySeconds = input.DelaySeconds === undefined ? queue.attributes.DelaySeconds : Number(input.DelaySeconds);
    if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > 900)
      throw invalid(
        `Value ${String(input.DelaySeconds)} for parameter DelaySeconds is invalid. Reason: must be between 0 and 900, if provided.`,
      );
    const now = Date.now();
    const message: StoredMessage = {
      id: randomUUID(),
      body,
      sentAt: now,
      visibleAt: now + delaySeconds * 1000,
      receiveCount: 0,
    };
    this.record({ op: 'put', queue: queue.name, message });
    this.wake(queue);
    return { MessageId: message.id, MD5OfMessageBody: md5(body) };
  }

  private wake(queue: Queue): void {
    for (const wake of queue.waiters) wake();
  }

  /**
   * What time has done since the last request: messages past their retention go, and a message
   * received maxReceiveCount times whose visibility timeout has passed moves to its queue's DLQ,
   * where SQS would have moved it on its next receive.
   */
  private sweep(now: number): void {
    for (const queue of this.queues.values()) {
      const policy = queue.attributes.RedrivePolicy;
      for (const message of [...queue.messages.values()]) {
        if (message.sentAt + queue.attributes.MessageRetentionPeriod * 1000 <= now) {
          this.record({ op: 'delete', queue: queue.name, id: message.id });
        } else if (policy && message.visibleAt <= now && message.receiveCount >= policy.maxReceiveCount) {
          const deadLetters = this.queues.get(policy.deadLetterTargetArn.split(':').at(-1)!);
          if (!deadLetters) continue;
          this.record({
            op: 'put',
            queue: deadLetters.name,
            message: { ...message, receipt: undefined, deadLetterSourceArn: this.arn(queue.name) },
          });
          this.record({ op: 'delete', queue: queue.name, id: message.id });
          this.wake(deadLetters);
        }
      }
    }
  }

  private async receiveMessage(input: Record<string, unknown>) {
    const queue = this.queueByUrl(input.QueueUrl);
    const max = input.MaxNumberOfMessages === undefined ? 1 : Number(input.MaxNumberOfMessages);
    if (!Number.isInteger(max) || max < 1 || max > 10)
      throw invalid(
        `Value ${String(input.MaxNumberOfMessages)} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
      );
    const visibilitySeconds =
      input.VisibilityTimeout === undefined ? queue.attributes.VisibilityTimeout : Number(input.VisibilityTimeout);
    const waitSeconds =
      input.WaitTimeSeconds === undefined
        ? queue.attributes.ReceiveMessageWaitTimeSeconds
        : Number(input.WaitTimeSeconds);
    const deadline = Date.now() + waitSeconds * 1000;
    const wanted = [
      ...((input.AttributeNames as string[] | undefined) ?? []),
      ...((input.MessageSystemAttributeNames as string[] | undefined) ?? []),
    ];
    for (;;) {
      const now = Date.now();
      this.sweep(now);
      const ready = [...queue.messages.values()]
        .filter((m) => m.visibleAt <= now)
        .sort((a, b) => a.visibleAt - b.visibleAt || a.sentAt - b.sentAt);
      if (ready.length > 0 || now >= deadline || !this.server.listening) {
        return {
          Messages: ready.slice(0, max).map((message) => this.deliver(queue, message, now, visibilitySeconds, wanted)),
        };
      }
      const nextVisible = Math.min(deadline, ...[...queue.messages.values()].map((m) => m.visibleAt));
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          queue.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(1, nextVisible - now));
        queue.waiters.add(done);
      });
    }
  }

  private deliver(queue: Queue, message: StoredMessage, now: number, visibilitySeconds: number, wanted: string[]) {
    const receipt = Buffer.from(JSON.stringify({ queue: queue.name, id: message.id, nonce: randomUUID() })).toString(
      'base64url',
    );
    const received: StoredMessage = {
      ...message,
      receiveCount: message.receiveCount + 1,
      firstReceivedAt: message.firstReceivedAt ?? now,
      visibleAt: now + visibilitySeconds * 1000,
      receipt,
    };
    this.record({ op: 'put', queue: queue.name, message: received });
    const attributes: Record<string, string> = {
      ApproximateReceiveCount: String(received.receiveCount),
      SentTimestamp: String(received.sentAt),
      ApproximateFirstReceiveTimestamp: String(received.firstReceivedAt),
      SenderId: this.accountId,
      ...(received.deadLetterSourceArn ? { DeadLetterQueueSourceArn: received.deadLetterSourceArn } : {}),
    };
    const selected = wanted.includes('All')
      ? attributes
      : Object.fromEntries(Object.entries(attributes).filter(([name]) => wanted.includes(name)));
    return {
      MessageId: received.id,
      ReceiptHandle: receipt,
      MD5OfBody: md5(received.body),
      Body: received.body,
      ...(Object.keys(selected).length > 0 ? { Attributes: selected } : {}),
    };
  }

  private deleteMessageBatch(input: Record<string, unknown>) {
    const queue = this.queueByUrl(input.QueueUrl);
    const successful: { Id: string }[] = [];
    const failed: { Id: string; SenderFault: boolean; Code: string; Message: string }[] = [];
    for (const entry of (input.Entries as { Id: string; ReceiptHandle: string }[] | undefined) ?? []) {
      let handle: { queue?: string; id?: string };
      try {
        handle = JSON.parse(Buffer.from(entry.ReceiptHandle, 'base64url').toString('utf8')) as {
          queue?: string;
          id?: string;
        };
      } catch {
        handle = {};
      }
      if (handle.queue !== queue.name || !handle.id) {
        failed.push({
          Id: entry.Id,
          SenderFault: true,
          Code: 'ReceiptHandleIsInvalid',
          Message: `The input receipt handle "${entry.ReceiptHandle}" is not a valid receipt handle.`,
        });
        continue;
      }
      // As SQS does, an older receipt handle is accepted and deletes nothing: the message was received again since.
      if (queue.messages.get(handle.id)?.receipt === entry.ReceiptHandle)
        this.record({ op: 'delete', queue: queue.name, id: handle.id });
      successful.push({ Id: entry.Id });
    }
    return { Successful: successful, Failed: failed };
  }

  /** Moves every message of a dead-letter queue at once, to `DestinationArn` or to the queue each came from. */
  private startMessageMoveTask(input: Record<string, unknown>) {
    const source = this.queueByArn(input.SourceArn);
    const destination = input.DestinationArn === undefined ? undefined : this.queueByArn(input.DestinationArn);
    const messages = [...source.messages.values()];
    const task: MoveTask = {
      TaskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn: input.SourceArn })).toString(
        'base64url',
      ),
      Status: 'COMPLETED',
      SourceArn: String(input.SourceArn),
      ...(destination ? { DestinationArn: this.arn(destination.name) } : {}),
      ApproximateNumberOfMessagesMoved: 0,
      ApproximateNumberOfMessagesToMove: messages.length,
      StartedTimestamp: Date.now(),
    };
    for (const message of messages) {
      const target =
        destination ??
        (message.deadLetterSourceArn ? this.queues.get(message.deadLetterSourceArn.split(':').at(-1)!) : undefined);
      if (!target) {
        Object.assign(task, { Status: 'FAILED', FailureReason: 'CouldNotDetermineMessageSource' });
        break;
      }
      const now = Date.now();
      this.record({
        op: 'put',
        queue: target.name,
        message: { id: randomUUID(), body: message.body, sentAt: now, visibleAt: now, receiveCount: 0 },
      });
      this.record({ op: 'delete', queue: source.name, id: message.id });
      task.ApproximateNumberOfMessagesMoved += 1;
      this.wake(target);
    }
    this.moveTasks.unshift(task);
    return { TaskHandle: task.TaskHandle };
  }

  private listMessageMoveTasks(input: Record<string, unknown>) {
    const max = input.MaxResults === undefined ? 1 : Number(input.MaxResults);
    return { Results: this.moveTasks.filter((task) => task.SourceArn === input.SourceArn).slice(0, max) };
  }
}
