import type { z } from 'zod';
import type { ProductionEventSchema } from '../../pipeline/scene-context.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';

/** One row per scene, and a plan of ids for the Map states. */
export async function planProduction(event: z.output<typeof ProductionEventSchema>, deps: StageDeps) {
  const manifest = await deps.loadManifest(event.productionId);
  for (const episode of manifest.episodes) {
    for (const [index, scene] of episode.scenes.entries()) {
      await deps.productions.ensureScene({ productionId: manifest.production, episodeId: episode.id, sceneId: scene.id, index });
    }
  }
  return {
    productionId: manifest.production,
    sceneMaxConcurrency: deps.settings.sceneMaxConcurrency,
    episodeMaxConcurrency: deps.settings.episodeMaxConcurrency,
    characterIds: manifest.characters.map((c) => c.id),
    episodes: manifest.episodes.map((episode) => ({ episodeId: episode.id, sceneIds: episode.scenes.map((s) => s.id) })),
  };
}
