import { stageDepsFromEnv, stageHandler } from '../shared/stage-runtime.js';
import { FinalizeProductionEventSchema, finalizeProduction } from './finalize-production.js';

export const handler = stageHandler(stageDepsFromEnv(), FinalizeProductionEventSchema, finalizeProduction);
