import type { OfflinePort } from './offline-port.js';

export const offlineVideo: OfflinePort<'video'> = async () => {
  const { CameraMotionVideoModel } = await import('../../adapters/providers/offline/camera-motion-video-model.js');
  return {
    port: new CameraMotionVideoModel(),
    provider: 'offline',
    model: 'camera-motion-v1',
  };
};
