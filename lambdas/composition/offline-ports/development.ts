import { OfflineEpisodeDeveloper } from '../../adapters/providers/offline/offline-episode-developer.js';
import type { OfflinePort } from './offline-port.js';

export const offlineDevelopment: OfflinePort<'development'> = () => ({
  port: new OfflineEpisodeDeveloper(),
  provider: 'offline',
  model: 'phrasebook-v1',
});
