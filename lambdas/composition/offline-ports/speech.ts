import { offlineModel } from './offline-port.js';

export const offlineSpeech = offlineModel<'speech'>(
  async () => new (await import('../../adapters/providers/offline/espeak-speech-model.js')).EspeakSpeechModel(),
  'espeak-ng',
);
