import { offlineMusic } from '../../composition/offline-ports/music.js';
import { offlineText } from '../../composition/offline-ports/text.js';
import { stageDepsWithProviders } from '../../composition/stage-deps-with-providers.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { AssembleEpisodeEventSchema, type AssembleEpisodePorts, assembleEpisodeStage } from './assemble-episode.js';

export const createHandler = (deps: StageDeps<AssembleEpisodePorts>) =>
  stageHandler(deps, AssembleEpisodeEventSchema, assembleEpisodeStage);

export const handler = createHandler(
  stageDepsWithProviders<AssembleEpisodePorts>({ text: offlineText, music: offlineMusic }),
);
