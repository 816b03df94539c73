import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { ProviderPort } from '../core/contracts/bound-providers.js';
import type * as z from '../core/contracts/zod-mini.js';
import { recordFailureCause } from './record-failure-cause.js';
import type { StageDeps } from './stage-deps.js';

/**
 * A thin Lambda handler: check the event's shape, then hand it to the stage's pure code. A failure
 * that knows its cause leaves it where the report reads it before it goes to the state machine.
 * The Powertools logger carries the Lambda context into every line.
 */
export function stageHandler<Schema extends z.ZodMiniType, Result, Deps extends StageDeps<ProviderPort> | StageDeps>(
  deps: Deps,
  eventSchema: Schema,
  run: (event: z.output<Schema>, deps: Deps) => Promise<Result>,
) {
  return middy(async (event: unknown, _context: Context) => {
    const parsed = eventSchema.parse(event);
    try {
      return await run(parsed, deps);
    } catch (error) {
      await recordFailureCause(deps, parsed, error);
      throw error;
    }
  }).use(injectLambdaContext(deps.logger, { resetKeys: true }));
}
