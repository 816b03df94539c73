import { PixelConsistencyScorer } from '../../adapters/providers/offline/pixel-consistency.js';
import type { OfflinePort } from './offline-port.js';

export const offlineConsistency: OfflinePort<'consistency'> = () => ({
  port: new PixelConsistencyScorer(),
  provider: 'offline',
  model: 'pixel-similarity-v1',
});
