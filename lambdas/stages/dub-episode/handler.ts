import { stageDepsWithProviders } from '../../composition/stage-deps-with-providers.js';
import { DubEventSchema } from '../../pipeline/scene-context.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { dubEpisode } from './dub-episode.js';

export const createHandler = (deps: StageDeps) => stageHandler(deps, DubEventSchema, dubEpisode);

export const handler = createHandler(stageDepsWithProviders());
