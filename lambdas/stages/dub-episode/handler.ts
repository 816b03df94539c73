import { stageDepsFromEnv } from '../../composition/stage-deps-from-env.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { DubEpisodeEventSchema, dubEpisode } from './dub-episode.js';

export const createHandler = (deps: StageDeps) => stageHandler(deps, DubEpisodeEventSchema, dubEpisode);

export const handler = createHandler(stageDepsFromEnv());
