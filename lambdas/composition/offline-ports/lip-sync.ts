import type { OfflinePort } from './offline-port.js';

export const offlineLipSync: OfflinePort<'lipSync'> = async () => {
  const { PaintedLipSyncModel } = await import('../../adapters/providers/offline/painted-lip-sync-model.js');
  return {
    port: new PaintedLipSyncModel(),
    provider: 'offline',
    model: 'painted-mouths-v1',
  };
};
