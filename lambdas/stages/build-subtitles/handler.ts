import { stageDepsFromEnv } from '../../composition/stage-deps-from-env.js';
import { SceneEventSchema } from '../../pipeline/scene-context.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { buildSubtitles } from './build-subtitles.js';

export const createHandler = (deps: StageDeps) => stageHandler(deps, SceneEventSchema, buildSubtitles);

export const handler = createHandler(stageDepsFromEnv());
