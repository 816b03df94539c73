import { stageDepsFromEnv } from '../../composition/stage-deps-from-env.js';
import { SceneEventSchema } from '../../pipeline/scene-context.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { encodeSceneStage } from './encode-scene.js';

export const createHandler = (deps: StageDeps) => stageHandler(deps, SceneEventSchema, encodeSceneStage);

export const handler = createHandler(stageDepsFromEnv());
