import { stageDepsFromEnv } from '../../composition/stage-deps-from-env.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { recordSceneOutcome, SceneOutcomeEventSchema } from './record-scene-outcome.js';

export const createHandler = (deps: StageDeps) => stageHandler(deps, SceneOutcomeEventSchema, recordSceneOutcome);

export const handler = createHandler(stageDepsFromEnv());
