import { stageDepsFromEnv, stageHandler } from '../shared/stage-runtime.js';
import { ValidateManifestEventSchema, validateUploadedManifest } from './validate-manifest.js';

export const handler = stageHandler(stageDepsFromEnv(), ValidateManifestEventSchema, validateUploadedManifest);
