import { offlineModel } from './offline-port.js';

export const offlineTranslation = offlineModel<'translation'>(
  async () => new (await import('../../adapters/providers/offline/phrasebook-translator.js')).PhrasebookTranslator(),
  'phrasebook-v1',
);
