import { EspeakSpeechModel } from '../../adapters/providers/offline/espeak-speech-model.js';
import type { OfflinePort } from './offline-port.js';

export const offlineSpeech: OfflinePort<'speech'> = () => ({
  port: new EspeakSpeechModel(),
  provider: 'offline',
  model: 'espeak-ng',
});
