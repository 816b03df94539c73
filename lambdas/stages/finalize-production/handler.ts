import { stageDepsFromEnv } from '../../composition/stage-deps-from-env.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { FinalizeProductionEventSchema, finalizeProduction } from './finalize-production.js';

export const createHandler = (deps: StageDeps) => stageHandler(deps, FinalizeProductionEventSchema, finalizeProduction);

export const handler = createHandler(stageDepsFromEnv());
