import { rm } from 'node:fs/promises';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueDepth } from '../../local/dead-letters.js';
import { redriveLocal } from '../../local/redrive.js';
import { LocalRuntime } from '../../local/runtime.js';
import { workspace } from './support/pipeline-harness.js';

let ws: Awaited<ReturnType<typeof workspace>>;
const settings = { videoVisibilityTimeoutSeconds: 1, videoMaxReceiveCount: 2 };

beforeAll(async () => {
  ws = await workspace('dead-letters');
});

afterAll(async () => {
  await rm(ws.dir, { recursive: true, force: true });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('video dead letters on the embedded engines', () => {
  it('a poison message reaches the DLQ after maxReceiveCount, survives a restart, and redrive moves it back', async () => {
    const first = await LocalRuntime.start({ dataDir: ws.dataDir, settings });
    try {
      await first.sqs.send(new SendMessageCommand({ QueueUrl: first.queueUrls.queueUrl, MessageBody: '{"productionId": "not-a-job"' }));
      await until(async () => (await queueDepth(first.sqs, first.queueUrls.deadLetterQueueUrl)) === 1);
      expect(await queueDepth(first.sqs, first.queueUrls.queueUrl)).toBe(0);
    } finally {
      await first.stop();
    }

    const second = await LocalRuntime.start({ dataDir: ws.dataDir, settings });
    try {
      expect(await queueDepth(second.sqs, second.queueUrls.deadLetterQueueUrl)).toBe(1);
    } finally {
      await second.stop();
    }

    const { moved, returned } = await redriveLocal(ws.dataDir, settings);
    expect(moved).toBe(1);
    expect(returned, 'the message is still poison, so it fails its receives again and returns').toBe(1);
  });
});
