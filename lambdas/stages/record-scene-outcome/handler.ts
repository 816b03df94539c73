import { stageDepsFromEnv, stageHandler } from '../../composition/stage-deps.js';
import { SceneOutcomeEventSchema, recordSceneOutcome } from './record-scene-outcome.js';

export const handler = stageHandler(stageDepsFromEnv(), SceneOutcomeEventSchema, recordSceneOutcome);
