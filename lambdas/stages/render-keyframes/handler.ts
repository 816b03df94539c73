import { SceneEventSchema } from '../../pipeline/scene-context.js';
import { stageDepsFromEnv, stageHandler } from '../../composition/stage-deps.js';
import { renderKeyframes } from './render-keyframes.js';

export const handler = stageHandler(stageDepsFromEnv(), SceneEventSchema, renderKeyframes);
