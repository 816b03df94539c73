import { PaintedLipSyncModel } from '../../adapters/providers/offline/painted-lip-sync-model.js';
import type { OfflinePort } from './offline-port.js';

export const offlineLipSync: OfflinePort<'lipSync'> = () => ({
  port: new PaintedLipSyncModel(),
  provider: 'offline',
  model: 'painted-mouths-v1',
});
