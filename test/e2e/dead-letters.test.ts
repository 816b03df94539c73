import { rm } from 'node:fs/promises';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { queueDepth } from '../../local/commands/dead-letters.js';
import { redriveLocal } from '../../local/commands/redrive.js';
import { LocalRuntime } from '../../local/runtime/index.js';
import { waitFor } from '../support/wait-for.js';
import { workspace } from './support/pipeline-harness.js';

type Workspace = Awaited<ReturnType<typeof workspace>>;

const settings = { videoVisibilityTimeoutSeconds: 1, videoMaxReceiveCount: 2 };
const POISON = '{"productionId": "not-a-job"';

/** The test's own data, so no test reads what another left behind. */
async function ownWorkspace(): Promise<Workspace> {
  const ws = await workspace('dead-letters');
  onTestFinished(() => rm(ws.dir, { recursive: true, force: true }));
  return ws;
}

/** A runtime over the workspace's data, stopped when the test ends. */
async function ownRuntime(ws: Workspace): Promise<LocalRuntime> {
  const runtime = await LocalRuntime.start({ dataDir: ws.dataDir, settings });
  onTestFinished(() => runtime.stop());
  return runtime;
}

/** Sends a poison message and waits until it is a dead letter, then stops the runtime. */
async function deadLetterInData(ws: Workspace) {
  const runtime = await LocalRuntime.start({ dataDir: ws.dataDir, settings });
  try {
    await runtime.sqs.send(new SendMessageCommand({ QueueUrl: runtime.queueUrls.queueUrl, MessageBody: POISON }));
    await waitFor(
      'the poison message to reach the dead-letter queue',
      async () => (await queueDepth(runtime.sqs, runtime.queueUrls.deadLetterQueueUrl)) === 1,
      { timeoutMs: 30_000 },
    );
  } finally {
    await runtime.stop();
  }
}

describe('video dead letters on the embedded engines', () => {
  it('a poison message reaches the DLQ after maxReceiveCount', async () => {
    // Prepare
    const ws = await ownWorkspace();
    const runtime = await ownRuntime(ws);

    // Act
    await runtime.sqs.send(new SendMessageCommand({ QueueUrl: runtime.queueUrls.queueUrl, MessageBody: POISON }));

    // Assess
    await waitFor(
      'the poison message to reach the dead-letter queue',
      async () => (await queueDepth(runtime.sqs, runtime.queueUrls.deadLetterQueueUrl)) === 1,
      { timeoutMs: 30_000 },
    );
    expect(await queueDepth(runtime.sqs, runtime.queueUrls.queueUrl)).toBe(0);
  });

  it('a dead letter survives a restart', async () => {
    // Prepare
    const ws = await ownWorkspace();
    await deadLetterInData(ws);

    // Act
    const restarted = await ownRuntime(ws);

    // Assess
    expect(await queueDepth(restarted.sqs, restarted.queueUrls.deadLetterQueueUrl)).toBe(1);
  });

  it('redrive moves a dead letter back to the queue', async () => {
    // Prepare
    const ws = await ownWorkspace();
    await deadLetterInData(ws);

    // Act
    const { moved, returned } = await redriveLocal(ws.dataDir, settings);

    // Assess
    expect(moved).toBe(1);
    expect(returned, 'the message is still poison, so it fails its receives again and returns').toBe(1);
  });
});
