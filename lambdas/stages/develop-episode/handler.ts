import { stageDepsWithProviders } from '../../composition/stage-deps-with-providers.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { DevelopEpisodeEventSchema, developEpisode } from './develop-episode.js';

export const createHandler = (deps: StageDeps) => stageHandler(deps, DevelopEpisodeEventSchema, developEpisode);

export const handler = createHandler(stageDepsWithProviders());
