import { offlineModel } from './offline-port.js';

export const offlineLipSync = offlineModel<'lipSync'>(
  async () => new (await import('../../adapters/providers/offline/painted-lip-sync-model.js')).PaintedLipSyncModel(),
  'painted-mouths-v1',
);
