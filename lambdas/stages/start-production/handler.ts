import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { readTriggerEnvironment } from '../../core/contracts/environment.js';
import { ManifestUploadedEventSchema, startProduction } from './start-production.js';

const logger = new Logger({ serviceName: 'dramaforge' });
const deps = { sfn: new SFNClient({}), ...readTriggerEnvironment() };

export const handler = middy(async (event: unknown, _context: Context) => {
  const result = await startProduction(ManifestUploadedEventSchema.parse(event), deps);
  logger.info(`manifest upload: ${result.outcome}`, { ...result });
  return result;
}).use(injectLambdaContext(logger, { resetKeys: true }));
