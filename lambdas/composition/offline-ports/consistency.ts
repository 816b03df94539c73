import { offlineModel } from './offline-port.js';

export const offlineConsistency = offlineModel<'consistency'>(
  async () => new (await import('../../adapters/providers/offline/pixel-consistency.js')).PixelConsistencyScorer(),
  'pixel-similarity-v1',
);
