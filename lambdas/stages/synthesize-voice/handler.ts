import { offlineSpeech } from '../../composition/offline-ports/speech.js';
import { offlineTranscription } from '../../composition/offline-ports/transcription.js';
import { stageDepsWithProviders } from '../../composition/stage-deps-with-providers.js';
import { SceneEventSchema } from '../../pipeline/scene-context.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { type SynthesizeVoicePorts, synthesizeVoice } from './synthesize-voice.js';

export const createHandler = (deps: StageDeps<SynthesizeVoicePorts>) =>
  stageHandler(deps, SceneEventSchema, synthesizeVoice);

export const handler = createHandler(
  stageDepsWithProviders<SynthesizeVoicePorts>({ speech: offlineSpeech, transcription: offlineTranscription }),
);
