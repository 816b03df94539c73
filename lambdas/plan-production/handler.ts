import { ProductionEventSchema } from '../shared/scene-context.js';
import { stageDepsFromEnv, stageHandler } from '../shared/stage-runtime.js';
import { planProduction } from './plan-production.js';

export const handler = stageHandler(stageDepsFromEnv(), ProductionEventSchema, planProduction);
