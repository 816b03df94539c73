import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ProductionStore } from '../../lambdas/adapters/aws/production-store.js';
import { ReviewNotOpen } from '../../lambdas/core/contracts/errors.js';
import type { ReviewDecision, StoredReview } from '../../lambdas/core/domain/production-model.js';
import type { RunResult } from '../client/production-client.js';
import { type RunOptions, type RunSession, withLocalRuntime } from './local-session.js';

export class ReviewRefused extends Error {
  override readonly name = 'ReviewRefused';
}

/** The most a producer's notes on a decision may say, in characters: what the console and the MCP server accept. */
export const REVIEW_NOTES_LIMIT = 2000;

/** A producer's notes on a decision, as the production's row and report.json keep them; blank is none. */
export const ReviewNotesSchema = z
  .string()
  .trim()
  .max(REVIEW_NOTES_LIMIT, `notes are at most ${REVIEW_NOTES_LIMIT} characters`);

export interface ReviewDecisionInput {
  productionId: string;
  decision: ReviewDecision;
  notes?: string;
}

/** What the gate's waiting Task is answered with (the workflow's Choice after the gate reads `decision`). */
const taskOutput = (decision: ReviewDecision, notes: string | undefined) =>
  JSON.stringify({ decision, ...(notes ? { notes } : {}) });

/**
 * Records the decision on the production's row, once. A decision already recorded the same way
 * (an earlier `approve` whose answer to the Task did not get through) is taken again, so the
 * command can be repeated; any other closed review is refused with its reason.
 */
async function recordDecision(productions: ProductionStore, input: ReviewDecisionInput): Promise<StoredReview> {
  try {
    return await productions.decideReview(input.productionId, input.decision, input.notes);
  } catch (error) {
    if (!(error instanceof ReviewNotOpen)) throw error;
    const review = (await productions.findProduction(input.productionId))?.review;
    if (review?.decision === input.decision) return review;
    throw new ReviewRefused(error.message);
  }
}

/**
 * `dramaforge approve` / `reject` on this machine: records the decision, answers the gate's Task
 * when this process holds it, and otherwise resumes the paused execution, which replays to the
 * gate from the cache and is answered there from the decision; then follows the production to
 * its end (or its next review) and delivers to `<out>/<production>/`. A review that timed out is
 * refused, and its execution resumed so that it closes as REVIEW_TIMED_OUT.
 */
export async function reviewLocally(
  options: RunOptions & ReviewDecisionInput,
): Promise<RunResult & { refusal?: string }> {
  return withLocalRuntime(options, async (session) => {
    const { executionName, manifestKey, refusal } = await answerReview(session, options, options.dataDir);
    const result = await session.client.follow({
      name: executionName,
      manifestKey,
      productionId: options.productionId,
    });
    return refusal ? { ...result, refusal } : result;
  });
}

/**
 * Records the decision and answers the gate's Task when this process holds it; otherwise resumes the
 * paused execution, which replays to the gate and is answered there. What `approve`/`reject` and the
 * studio's console do; the execution to follow is returned.
 */
export async function answerReview(
  { runtime, productions }: Pick<RunSession, 'runtime' | 'productions'>,
  input: ReviewDecisionInput,
  where = 'the studio',
): Promise<{ executionName: string; manifestKey: string; refusal?: string }> {
  const meta = await productions.findProduction(input.productionId);
  if (!meta) throw new ReviewRefused(`there is no production "${input.productionId}" in ${where}; produce it first`);
  const review = meta.review;
  if (!review) throw new ReviewRefused(`production "${input.productionId}" has no review: its manifest sets no review`);
  let refusal: string | undefined;
  try {
    const decided = await recordDecision(productions, input);
    runtime.taskTokens.succeed(decided.taskToken, JSON.parse(taskOutput(input.decision, input.notes)));
  } catch (error) {
    if (!(error instanceof ReviewRefused) || meta.status !== 'AWAITING_APPROVAL') throw error;
    refusal = error.message;
  }
  await runtime.startNamedExecution(review.executionName, meta.manifestKey);
  return { executionName: review.executionName, manifestKey: meta.manifestKey, ...(refusal && { refusal }) };
}

export interface DeployedReviewOptions extends ReviewDecisionInput {
  /** The deployed environment's table (the stack's TableName output). */
  tableName: string;
  region?: string;
}

/**
 * `dramaforge approve|reject --table <name>` for a deployed environment: the decision goes to the
 * production's row in DynamoDB, and `SendTaskSuccess` with the token kept there resumes the
 * waiting execution, as `aws stepfunctions send-task-success --task-token <token> --task-output
 * '{"decision":"APPROVED"}'` would. Credentials as the AWS SDK finds them; the stack's
 * ReviewerPolicy grants exactly this.
 */
export async function reviewDeployed(options: DeployedReviewOptions): Promise<StoredReview> {
  const dynamo = new DynamoDBClient({ region: options.region });
  const sfn = new SFNClient({ region: options.region });
  try {
    const productions = new ProductionStore(DynamoDBDocumentClient.from(dynamo), options.tableName);
    const decided = await recordDecision(productions, options);
    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: decided.taskToken, output: taskOutput(options.decision, options.notes) }),
    );
    return decided;
  } finally {
    dynamo.destroy();
    sfn.destroy();
  }
}
