import type { OfflinePort } from './offline-port.js';

export const offlineImage: OfflinePort<'image'> = async () => {
  const { StoryboardImageModel } = await import('../../adapters/providers/offline/offline-image-model.js');
  return {
    port: new StoryboardImageModel(),
    provider: 'offline',
    model: 'storyboard-v1',
  };
};
