import type { OfflinePort } from './offline-port.js';

export const offlineConsistency: OfflinePort<'consistency'> = async () => {
  const { PixelConsistencyScorer } = await import('../../adapters/providers/offline/pixel-consistency.js');
  return {
    port: new PixelConsistencyScorer(),
    provider: 'offline',
    model: 'pixel-similarity-v1',
  };
};
