import { queueDepth, redriveDeadLetters } from './dead-letters.js';
import type { LocalSettings } from './local-settings.js';
import { LocalRuntime } from './runtime.js';

/**
 * `dramaforge redrive` on the embedded engines: the saved dead letters go back to the
 * video queue, and the runtime stays up until the worker has taken them all, so each
 * one is either processed or back in the dead-letter queue when the command ends.
 */
export async function redriveLocal(dataDir: string, settings?: Partial<LocalSettings>): Promise<{ moved: number; returned: number }> {
  const runtime = await LocalRuntime.start({ dataDir, settings });
  try {
    // Messages restored from disk were re-sent to the DLQ, so SQS no longer knows their source: name it.
    const moved = await redriveDeadLetters(runtime.sqs, runtime.queueUrls.deadLetterQueueArn, runtime.videoQueueArn);
    while ((await queueDepth(runtime.sqs, runtime.queueUrls.queueUrl)) > 0 || !runtime.idle()) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return { moved, returned: await queueDepth(runtime.sqs, runtime.queueUrls.deadLetterQueueUrl) };
  } finally {
    await runtime.stop();
  }
}
