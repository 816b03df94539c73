import { stageDepsWithProviders } from '../../composition/stage-deps-with-providers.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { AssembleEpisodeEventSchema, assembleEpisodeStage } from './assemble-episode.js';

export const createHandler = (deps: StageDeps) => stageHandler(deps, AssembleEpisodeEventSchema, assembleEpisodeStage);

export const handler = createHandler(stageDepsWithProviders());
