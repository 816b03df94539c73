import * as z from '../../core/contracts/zod-mini.js';
import { episodeExecutionName } from '../../core/workflow/execution-name.js';
import { ProductionEventSchema } from '../../pipeline/scene-context.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';

export const PlanProductionEventSchema = z.extend(ProductionEventSchema, {
  executionName: z.string().check(z.minLength(1)),
});

/**
 * One row per scene, and the plan the Map states read: character ids, and per episode its
 * id and child execution name. Scene ids stay out (each episode's execution reads its own),
 * so the production's state stays small for any manifest the schema accepts.
 */
export async function planProduction(event: z.output<typeof PlanProductionEventSchema>, deps: StageDeps) {
  const manifest = await deps.loadManifest(event.productionId);
  for (const episode of manifest.episodes) {
    for (const [index, scene] of episode.scenes.entries()) {
      await deps.productions.ensureScene({
        productionId: manifest.production,
        episodeId: episode.id,
        sceneId: scene.id,
        index,
      });
    }
  }
  const review = manifest.review;
  return {
    productionId: manifest.production,
    sceneMaxConcurrency: deps.settings.sceneMaxConcurrency,
    episodeMaxConcurrency: deps.settings.episodeMaxConcurrency,
    characterIds: manifest.characters.map((c) => c.id),
    // The approval gate: where it stands, and which cut the episodes are made as first.
    review: review?.before ?? 'none',
    firstCut: review?.before === 'video' ? 'animatic' : 'final',
    episodes: manifest.episodes.map((episode) => ({
      episodeId: episode.id,
      executionName: episodeExecutionName(event.executionName, episode.id),
      // After an approved animatic the episodes are made again, with the paid video, in executions of their own.
      finalExecutionName: episodeExecutionName(`${event.executionName}-final`, episode.id),
    })),
  };
}
