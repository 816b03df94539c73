import { ProductionEventSchema } from '../../pipeline/scene-context.js';
import { stageDepsFromEnv, stageHandler } from '../../composition/stage-deps.js';
import { planProduction } from './plan-production.js';

export const handler = stageHandler(stageDepsFromEnv(), ProductionEventSchema, planProduction);
