import { SceneEventSchema } from '../shared/scene-context.js';
import { stageDepsFromEnv, stageHandler } from '../shared/stage-runtime.js';
import { renderKeyframes } from './render-keyframes.js';

export const handler = stageHandler(stageDepsFromEnv(), SceneEventSchema, renderKeyframes);
