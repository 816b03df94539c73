import { offlineModel } from './offline-port.js';

export const offlineVideo = offlineModel<'video'>(
  async () =>
    new (await import('../../adapters/providers/offline/camera-motion-video-model.js')).CameraMotionVideoModel(),
  'camera-motion-v1',
);
