import type { ProviderPort } from '../../core/contracts/bound-providers.js';
import { offlineConsistency } from './consistency.js';
import { offlineDevelopment } from './development.js';
import { offlineImage } from './image.js';
import { offlineLipSync } from './lip-sync.js';
import { offlineMusic } from './music.js';
import type { OfflinePorts } from './offline-port.js';
import { offlineSpeech } from './speech.js';
import { offlineText } from './text.js';
import { offlineTranscription } from './transcription.js';
import { offlineTranslation } from './translation.js';
import { offlineVideo } from './video.js';

/** Every port: the local runtime serves every stage from one set of dependencies. */
export const EVERY_OFFLINE_PORT: OfflinePorts<ProviderPort> = {
  text: offlineText,
  development: offlineDevelopment,
  translation: offlineTranslation,
  image: offlineImage,
  consistency: offlineConsistency,
  speech: offlineSpeech,
  video: offlineVideo,
  lipSync: offlineLipSync,
  music: offlineMusic,
  transcription: offlineTranscription,
};
