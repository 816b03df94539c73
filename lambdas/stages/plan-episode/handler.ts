import { stageDepsFromEnv } from '../../composition/stage-deps-from-env.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { PlanEpisodeEventSchema, planEpisode } from './plan-episode.js';

export const createHandler = (deps: StageDeps) => stageHandler(deps, PlanEpisodeEventSchema, planEpisode);

export const handler = createHandler(stageDepsFromEnv());
