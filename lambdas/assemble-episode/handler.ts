import { stageDepsFromEnv, stageHandler } from '../shared/stage-runtime.js';
import { AssembleEpisodeEventSchema, assembleEpisodeStage } from './assemble-episode.js';

export const handler = stageHandler(stageDepsFromEnv(), AssembleEpisodeEventSchema, assembleEpisodeStage);
