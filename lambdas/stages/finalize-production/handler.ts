import { stageDepsFromEnv, stageHandler } from '../../composition/stage-deps.js';
import { FinalizeProductionEventSchema, finalizeProduction } from './finalize-production.js';

export const handler = stageHandler(stageDepsFromEnv(), FinalizeProductionEventSchema, finalizeProduction);
