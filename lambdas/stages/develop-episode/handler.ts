import { offlineDevelopment } from '../../composition/offline-ports/development.js';
import { stageDepsWithProviders } from '../../composition/stage-deps-with-providers.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { DevelopEpisodeEventSchema, type DevelopEpisodePorts, developEpisode } from './develop-episode.js';

export const createHandler = (deps: StageDeps<DevelopEpisodePorts>) =>
  stageHandler(deps, DevelopEpisodeEventSchema, developEpisode);

export const handler = createHandler(stageDepsWithProviders<DevelopEpisodePorts>({ development: offlineDevelopment }));
