import { stageDepsFromEnv } from '../../composition/stage-deps-from-env.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { SyncLipsEventSchema, syncLips } from './sync-lips.js';

export const createHandler = (deps: StageDeps) => stageHandler(deps, SyncLipsEventSchema, (event, stageDeps) => syncLips(event, stageDeps));

export const handler = createHandler(stageDepsFromEnv());
