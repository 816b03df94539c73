import { stageDepsWithProviders } from '../../composition/stage-deps-with-providers.js';
import { DubEventSchema } from '../../pipeline/scene-context.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { voiceDub } from './voice-dub.js';

export const createHandler = (deps: StageDeps) => stageHandler(deps, DubEventSchema, voiceDub);

export const handler = createHandler(stageDepsWithProviders());
