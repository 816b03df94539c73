import { offlineLipSync } from '../../composition/offline-ports/lip-sync.js';
import { stageDepsWithProviders } from '../../composition/stage-deps-with-providers.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { SyncLipsEventSchema, type SyncLipsPorts, syncLips } from './sync-lips.js';

export const createHandler = (deps: StageDeps<SyncLipsPorts>) =>
  stageHandler(deps, SyncLipsEventSchema, (event, stageDeps) => syncLips(event, stageDeps));

export const handler = createHandler(stageDepsWithProviders<SyncLipsPorts>({ lipSync: offlineLipSync }));
