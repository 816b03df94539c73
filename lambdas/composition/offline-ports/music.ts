import type { OfflinePort } from './offline-port.js';

export const offlineMusic: OfflinePort<'music'> = async () => {
  const { PROCEDURAL_MUSIC_MODEL, PROCEDURAL_MUSIC_PROVIDER, ProceduralMusicModel } = await import(
    '../../adapters/providers/offline/procedural-music-model.js'
  );
  return {
    port: new ProceduralMusicModel(),
    provider: PROCEDURAL_MUSIC_PROVIDER,
    model: PROCEDURAL_MUSIC_MODEL,
  };
};
