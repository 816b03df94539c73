import { SceneEventSchema } from '../shared/scene-context.js';
import { stageDepsFromEnv, stageHandler } from '../shared/stage-runtime.js';
import { buildSubtitles } from './build-subtitles.js';

export const handler = stageHandler(stageDepsFromEnv(), SceneEventSchema, buildSubtitles);
