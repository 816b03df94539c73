import { stageDepsFromEnv } from '../../composition/stage-deps-from-env.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { PlanProductionEventSchema, planProduction } from './plan-production.js';

export const createHandler = (deps: StageDeps) => stageHandler(deps, PlanProductionEventSchema, planProduction);

export const handler = createHandler(stageDepsFromEnv());
