import { StoryboardImageModel } from '../../adapters/providers/offline/offline-image-model.js';
import type { OfflinePort } from './offline-port.js';

export const offlineImage: OfflinePort<'image'> = () => ({
  port: new StoryboardImageModel(),
  provider: 'offline',
  model: 'storyboard-v1',
});
