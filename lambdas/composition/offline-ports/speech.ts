import type { OfflinePort } from './offline-port.js';

export const offlineSpeech: OfflinePort<'speech'> = async () => {
  const { EspeakSpeechModel } = await import('../../adapters/providers/offline/espeak-speech-model.js');
  return {
    port: new EspeakSpeechModel(),
    provider: 'offline',
    model: 'espeak-ng',
  };
};
