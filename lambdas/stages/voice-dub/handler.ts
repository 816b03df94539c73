import { stageDepsFromEnv } from '../../composition/stage-deps-from-env.js';
import { DubEventSchema } from '../../pipeline/scene-context.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { voiceDub } from './voice-dub.js';

export const createHandler = (deps: StageDeps) => stageHandler(deps, DubEventSchema, voiceDub);

export const handler = createHandler(stageDepsFromEnv());
