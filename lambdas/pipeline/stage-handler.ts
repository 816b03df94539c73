import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import type { StageDeps } from './stage-deps.js';

/**
 * A thin Lambda handler: check the event's shape, then hand it to the stage's pure code.
 * The Powertools logger carries the Lambda context into every line.
 */
export function stageHandler<Schema extends z.ZodType, Result>(
  deps: StageDeps,
  eventSchema: Schema,
  run: (event: z.output<Schema>, deps: StageDeps) => Promise<Result>,
) {
  return middy(async (event: unknown, _context: Context) => run(eventSchema.parse(event), deps)).use(
    injectLambdaContext(deps.logger, { resetKeys: true }),
  );
}
