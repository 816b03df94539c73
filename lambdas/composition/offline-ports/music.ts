import {
  PROCEDURAL_MUSIC_MODEL,
  PROCEDURAL_MUSIC_PROVIDER,
  ProceduralMusicModel,
} from '../../adapters/providers/offline/procedural-music-model.js';
import type { OfflinePort } from './offline-port.js';

export const offlineMusic: OfflinePort<'music'> = () => ({
  port: new ProceduralMusicModel(),
  provider: PROCEDURAL_MUSIC_PROVIDER,
  model: PROCEDURAL_MUSIC_MODEL,
});
