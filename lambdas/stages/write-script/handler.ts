import { SceneEventSchema } from '../../pipeline/scene-context.js';
import { stageDepsFromEnv, stageHandler } from '../../composition/stage-deps.js';
import { writeScript } from './write-script.js';

export const handler = stageHandler(stageDepsFromEnv(), SceneEventSchema, writeScript);
