import { offlineSpeech } from '../../composition/offline-ports/speech.js';
import { offlineTranslation } from '../../composition/offline-ports/translation.js';
import { stageDepsWithProviders } from '../../composition/stage-deps-with-providers.js';
import { DubEventSchema } from '../../pipeline/scene-context.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { type VoiceDubPorts, voiceDub } from './voice-dub.js';

export const createHandler = (deps: StageDeps<VoiceDubPorts>) => stageHandler(deps, DubEventSchema, voiceDub);

export const handler = createHandler(
  stageDepsWithProviders<VoiceDubPorts>({ translation: offlineTranslation, speech: offlineSpeech }),
);
