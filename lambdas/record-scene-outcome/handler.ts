import { stageDepsFromEnv, stageHandler } from '../shared/stage-runtime.js';
import { SceneOutcomeEventSchema, recordSceneOutcome } from './record-scene-outcome.js';

export const handler = stageHandler(stageDepsFromEnv(), SceneOutcomeEventSchema, recordSceneOutcome);
