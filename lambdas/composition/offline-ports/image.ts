import { offlineModel } from './offline-port.js';

export const offlineImage = offlineModel<'image'>(
  async () => new (await import('../../adapters/providers/offline/offline-image-model.js')).StoryboardImageModel(),
  'storyboard-v1',
);
