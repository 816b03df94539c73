import { stageDepsFromEnv, stageHandler } from '../../composition/stage-deps.js';
import { ValidateManifestEventSchema, validateUploadedManifest } from './validate-manifest.js';

export const handler = stageHandler(stageDepsFromEnv(), ValidateManifestEventSchema, validateUploadedManifest);
