import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import * as z from '../../core/contracts/zod-mini.js';
import type { StoredReview } from '../../core/domain/production-model.js';
import { ProductionEventSchema } from '../../pipeline/scene-context.js';
import type { AnswersTasks, StageDeps } from '../../pipeline/stage-deps.js';

export const AwaitApprovalEventSchema = z.extend(ProductionEventSchema, {
  executionName: z.string().check(z.minLength(1)),
  before: z.enum(['video', 'delivery']),
  cut: z.enum(['animatic', 'final']),
  waitSeconds: z.int().check(z.positive()),
  taskToken: z.string().check(z.minLength(1)),
});

/** What the waiting Task is answered with, and so what the workflow's Choice after the gate reads. */
export interface ReviewOutcome {
  decision: 'APPROVED' | 'REJECTED' | 'TIMED_OUT';
  notes?: string;
}

/**
 * The approval gate's Task (`lambda:invoke.waitForTaskToken`): keeps the waiting Task's token
 * on the production's row, where `dramaforge approve` / `reject` (or `aws stepfunctions
 * send-task-success`) find it, and marks the production AWAITING_APPROVAL. The Task then waits
 * for the token, up to the manifest's `review.waitHours`.
 *
 * The same execution reaching the same gate again (locally, a paused execution resumed in a
 * new process replays to here from its cached results) keeps the review it opened: its
 * deadline stands, and a decision already taken answers the new token at once.
 */
export async function awaitApproval(
  event: z.output<typeof AwaitApprovalEventSchema>,
  deps: StageDeps & AnswersTasks,
): Promise<void> {
  const meta = await deps.productions.getProduction(event.productionId);
  const earlier =
    meta.review?.executionName === event.executionName && meta.review.cut === event.cut ? meta.review : undefined;
  const answer = (outcome: ReviewOutcome) =>
    deps.clients.sfn.send(new SendTaskSuccessCommand({ taskToken: event.taskToken, output: JSON.stringify(outcome) }));
  if (earlier?.decision) {
    deps.logger.info('review already decided; answering the gate', {
      productionId: event.productionId,
      decision: earlier.decision,
    });
    await answer({ decision: earlier.decision, ...(earlier.notes ? { notes: earlier.notes } : {}) });
    return;
  }
  const now = new Date();
  if (earlier && Date.parse(earlier.expiresAt) <= now.getTime()) {
    await answer({ decision: 'TIMED_OUT' });
    return;
  }
  const review: StoredReview = {
    before: event.before,
    cut: event.cut,
    executionName: event.executionName,
    taskToken: event.taskToken,
    requestedAt: earlier?.requestedAt ?? now.toISOString(),
    expiresAt: earlier?.expiresAt ?? new Date(now.getTime() + event.waitSeconds * 1000).toISOString(),
  };
  await deps.productions.openReview(event.productionId, review);
  deps.logger.info('awaiting approval', {
    productionId: event.productionId,
    cut: event.cut,
    expiresAt: review.expiresAt,
  });
}
