import { LocalRuntime, type LocalSettings } from '../runtime/index.js';
import { queueDepth, redriveDeadLetters } from './dead-letters.js';

/**
 * `dramaforge redrive` on the embedded engines: the dead letters kept in the data
 * directory go back to the video queue, and the runtime stays up until the worker has
 * taken them all, so each one is either processed or back in the dead-letter queue
 * when the command ends.
 */
export async function redriveLocal(
  dataDir: string,
  settings?: Partial<LocalSettings>,
): Promise<{ moved: number; returned: number }> {
  const runtime = await LocalRuntime.start({ dataDir, settings, command: 'dramaforge redrive' });
  try {
    const moved = await redriveDeadLetters(runtime.sqs, runtime.queueUrls.deadLetterQueueArn);
    while ((await queueDepth(runtime.sqs, runtime.queueUrls.queueUrl)) > 0 || !runtime.idle()) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return { moved, returned: await queueDepth(runtime.sqs, runtime.queueUrls.deadLetterQueueUrl) };
  } finally {
    await runtime.stop();
  }
}
