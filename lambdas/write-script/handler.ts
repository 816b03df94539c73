import { SceneEventSchema } from '../shared/scene-context.js';
import { stageDepsFromEnv, stageHandler } from '../shared/stage-runtime.js';
import { writeScript } from './write-script.js';

export const handler = stageHandler(stageDepsFromEnv(), SceneEventSchema, writeScript);
