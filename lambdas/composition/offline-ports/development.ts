import type { OfflinePort } from './offline-port.js';

export const offlineDevelopment: OfflinePort<'development'> = async () => {
  const { OfflineEpisodeDeveloper } = await import('../../adapters/providers/offline/offline-episode-developer.js');
  return {
    port: new OfflineEpisodeDeveloper(),
    provider: 'offline',
    model: 'phrasebook-v1',
  };
};
