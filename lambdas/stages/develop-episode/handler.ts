import { stageDepsFromEnv } from '../../composition/stage-deps-from-env.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { DevelopEpisodeEventSchema, developEpisode } from './develop-episode.js';

export const createHandler = (deps: StageDeps) => stageHandler(deps, DevelopEpisodeEventSchema, developEpisode);

export const handler = createHandler(stageDepsFromEnv());
