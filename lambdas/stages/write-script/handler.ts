import { SceneEventSchema } from '../../pipeline/scene-context.js';
import { stageDepsFromEnv } from '../../composition/stage-deps-from-env.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { writeScript } from './write-script.js';

export const createHandler = (deps: StageDeps) => stageHandler(deps, SceneEventSchema, writeScript);

export const handler = createHandler(stageDepsFromEnv());
