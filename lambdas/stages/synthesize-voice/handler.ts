import { stageDepsWithProviders } from '../../composition/stage-deps-with-providers.js';
import { SceneEventSchema } from '../../pipeline/scene-context.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { synthesizeVoice } from './synthesize-voice.js';

export const createHandler = (deps: StageDeps) => stageHandler(deps, SceneEventSchema, synthesizeVoice);

export const handler = createHandler(stageDepsWithProviders());
