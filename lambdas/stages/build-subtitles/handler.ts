import { SceneEventSchema } from '../../pipeline/scene-context.js';
import { stageDepsFromEnv, stageHandler } from '../../composition/stage-deps.js';
import { buildSubtitles } from './build-subtitles.js';

export const handler = stageHandler(stageDepsFromEnv(), SceneEventSchema, buildSubtitles);
