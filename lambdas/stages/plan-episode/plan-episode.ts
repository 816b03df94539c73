import * as z from 'zod';
import { AssetMissing } from '../../core/errors.js';
import { SceneEventSchema } from '../../pipeline/scene-context.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';

export const PlanEpisodeEventSchema = SceneEventSchema.pick({ productionId: true, episodeId: true });

/**
 * An episode's scene ids, and whether its scenes sync lips, read by its own execution: the production's state carries
 * episode ids only, so no manifest the schema accepts outgrows the 256 KiB a state may pass.
 */
export async function planEpisode(event: z.output<typeof PlanEpisodeEventSchema>, deps: StageDeps) {
  const manifest = await deps.loadManifest(event.productionId);
  const episode = manifest.episodes.find((candidate) => candidate.id === event.episodeId);
  if (!episode) throw new AssetMissing(`production ${event.productionId} has no episode ${event.episodeId}`);
  // Whether each scene runs Sync lips: the Task is skipped, not run empty, so a manifest without lip-sync keeps its history small.
  return { sceneIds: episode.scenes.map((scene) => scene.id), lipSync: manifest.lipSync !== undefined };
}
