import type { OfflinePort } from './offline-port.js';

export const offlineTranslation: OfflinePort<'translation'> = async () => {
  const { PhrasebookTranslator } = await import('../../adapters/providers/offline/phrasebook-translator.js');
  return {
    port: new PhrasebookTranslator(),
    provider: 'offline',
    model: 'phrasebook-v1',
  };
};
