import type { OfflinePort } from './offline-port.js';

export const offlineText: OfflinePort<'text'> = async () => {
  const { OfflineScriptWriter } = await import('../../adapters/providers/offline/offline-script-writer.js');
  return {
    port: new OfflineScriptWriter(),
    provider: 'offline',
    model: 'phrasebook-v1',
  };
};
