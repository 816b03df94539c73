import { offlineConsistency } from '../../composition/offline-ports/consistency.js';
import { offlineImage } from '../../composition/offline-ports/image.js';
import { stageDepsWithProviders } from '../../composition/stage-deps-with-providers.js';
import { SceneEventSchema } from '../../pipeline/scene-context.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { type RenderKeyframesPorts, renderKeyframes } from './render-keyframes.js';

export const createHandler = (deps: StageDeps<RenderKeyframesPorts>) =>
  stageHandler(deps, SceneEventSchema, renderKeyframes);

export const handler = createHandler(
  stageDepsWithProviders<RenderKeyframesPorts>({ image: offlineImage, consistency: offlineConsistency }),
);
