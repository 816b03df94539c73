import { offlineModel } from './offline-port.js';

export const offlineDevelopment = offlineModel<'development'>(
  async () =>
    new (await import('../../adapters/providers/offline/offline-episode-developer.js')).OfflineEpisodeDeveloper(),
  'phrasebook-v1',
);
