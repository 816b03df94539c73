import { PhrasebookTranslator } from '../../adapters/providers/offline/phrasebook-translator.js';
import type { OfflinePort } from './offline-port.js';

export const offlineTranslation: OfflinePort<'translation'> = () => ({
  port: new PhrasebookTranslator(),
  provider: 'offline',
  model: 'phrasebook-v1',
});
