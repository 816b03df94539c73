import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { offlineConsistency } from '../../composition/offline-ports/consistency.js';
import { offlineVideo } from '../../composition/offline-ports/video.js';
import { stageDepsWithProviders } from '../../composition/stage-deps-with-providers.js';
import { withClients } from '../../composition/with-clients.js';
import { PRODUCTION_TABLE } from '../../core/contracts/table-definition.js';
import { processVideoJob, type VideoWorkerDeps, type VideoWorkerPorts } from './video-worker.js';

/**
 * SQS delivers at least once. A message's body (scene ids and task token) is its
 * idempotency key: a second delivery of the same message returns the first one's
 * outcome instead of rendering and reporting again. Records share the production table.
 */
export function createHandler(deps: VideoWorkerDeps) {
  const processor = new BatchProcessor(EventType.SQS);
  const idempotency = new IdempotencyConfig({ eventKeyJmesPath: 'body', expiresAfterSeconds: 24 * 60 * 60 });
  const processOnce = makeIdempotent((record: SQSRecord) => processVideoJob(record, deps), {
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: deps.tableName,
      keyAttr: PRODUCTION_TABLE.partitionKey,
      sortKeyAttr: PRODUCTION_TABLE.sortKey,
      staticPkValue: 'IDEMPOTENCY#video-worker',
    }),
    config: idempotency,
  });
  return middy(async (event: SQSEvent, context: Context) => {
    idempotency.registerLambdaContext(context);
    return processPartialResponse(event, processOnce, processor, { context });
  }).use(injectLambdaContext(deps.logger, { resetKeys: true }));
}

export const handler = createHandler(
  withClients(stageDepsWithProviders<VideoWorkerPorts>({ video: offlineVideo, consistency: offlineConsistency }), {
    sfn: new SFNClient({}),
    sqs: new SQSClient({}),
  }),
);
