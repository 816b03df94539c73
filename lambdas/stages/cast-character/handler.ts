import { offlineImage } from '../../composition/offline-ports/image.js';
import { offlineSpeech } from '../../composition/offline-ports/speech.js';
import { offlineVideo } from '../../composition/offline-ports/video.js';
import { stageDepsWithProviders } from '../../composition/stage-deps-with-providers.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { CastCharacterEventSchema, type CastCharacterPorts, castCharacter } from './cast-character.js';

export const createHandler = (deps: StageDeps<CastCharacterPorts>) =>
  stageHandler(deps, CastCharacterEventSchema, castCharacter);

export const handler = createHandler(
  stageDepsWithProviders<CastCharacterPorts>({ image: offlineImage, video: offlineVideo, speech: offlineSpeech }),
);
