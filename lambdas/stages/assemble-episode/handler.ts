import { stageDepsFromEnv, stageHandler } from '../../composition/stage-deps.js';
import { AssembleEpisodeEventSchema, assembleEpisodeStage } from './assemble-episode.js';

export const handler = stageHandler(stageDepsFromEnv(), AssembleEpisodeEventSchema, assembleEpisodeStage);
