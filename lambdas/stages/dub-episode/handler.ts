import { offlineLipSync } from '../../composition/offline-ports/lip-sync.js';
import { offlineMusic } from '../../composition/offline-ports/music.js';
import { stageDepsWithProviders } from '../../composition/stage-deps-with-providers.js';
import { DubEventSchema } from '../../pipeline/scene-context.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { type DubEpisodePorts, dubEpisode } from './dub-episode.js';

export const createHandler = (deps: StageDeps<DubEpisodePorts>) => stageHandler(deps, DubEventSchema, dubEpisode);

export const handler = createHandler(
  stageDepsWithProviders<DubEpisodePorts>({ lipSync: offlineLipSync, music: offlineMusic }),
);
