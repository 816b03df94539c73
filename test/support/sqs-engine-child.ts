import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SqsEngine } from '../../local/engines/sqs-engine.js';

/**
 * A process that leaves a queue as a killed run does: one message waiting, one delayed and one
 * in flight, then says so on stdout and waits to be killed. Argument: the engine's directory.
 */
const engine = SqsEngine.open(process.argv[2]!, { region: 'us-east-1', accountId: '000000000000' });
const endpoint = await engine.listen();
const sqs = new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
const { QueueUrl } = await sqs.send(
  new CreateQueueCommand({ QueueName: 'jobs', Attributes: { VisibilityTimeout: '2' } }),
);
await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'in flight' }));
await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'waiting' }));
await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'delayed', DelaySeconds: 2 }));
process.stdout.write('ready\n');
setInterval(() => undefined, 60_000);
