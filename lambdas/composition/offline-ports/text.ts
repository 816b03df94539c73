import { offlineModel } from './offline-port.js';

export const offlineText = offlineModel<'text'>(
  async () => new (await import('../../adapters/providers/offline/offline-script-writer.js')).OfflineScriptWriter(),
  'phrasebook-v1',
);
