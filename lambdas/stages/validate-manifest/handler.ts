import { stageDepsFromEnv } from '../../composition/stage-deps-from-env.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { ValidateManifestEventSchema, validateUploadedManifest } from './validate-manifest.js';

export const createHandler = (deps: StageDeps) =>
  stageHandler(deps, ValidateManifestEventSchema, validateUploadedManifest);

export const handler = createHandler(stageDepsFromEnv());
