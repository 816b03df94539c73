import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { stageDepsFromEnv } from '../shared/stage-runtime.js';
import { processVideoJob } from './video-worker.js';

const deps = stageDepsFromEnv();
const processor = new BatchProcessor(EventType.SQS);

export const handler = middy(async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, (record: SQSRecord) => processVideoJob(record, deps), processor, { context }),
).use(injectLambdaContext(deps.logger, { resetKeys: true }));
