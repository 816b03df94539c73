import { CameraMotionVideoModel } from '../../adapters/providers/offline/camera-motion-video-model.js';
import type { OfflinePort } from './offline-port.js';

export const offlineVideo: OfflinePort<'video'> = () => ({
  port: new CameraMotionVideoModel(),
  provider: 'offline',
  model: 'camera-motion-v1',
});
