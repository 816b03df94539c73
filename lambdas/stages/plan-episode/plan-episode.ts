import { AssetMissing } from '../../core/contracts/errors.js';
import * as z from '../../core/contracts/zod-mini.js';
import { SCENES_PER_DIALOGUE_PART } from '../../core/prompts/script-prompt.js';
import { languageOf } from '../../core/text/languages.js';
import { CutSchema } from '../../pipeline/cut.js';
import { SceneEventSchema } from '../../pipeline/scene-context.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';

export const PlanEpisodeEventSchema = z.extend(z.pick(SceneEventSchema, { productionId: true, episodeId: true }), {
  /** Asked again once the dialogue is written: the scenes whose script did not stop them. */
  scripted: z.optional(z.boolean()),
  /** The animatic a producer reviews is not dubbed: its final cut is. */
  cut: z.optional(CutSchema),
});

/**
 * An episode's scene ids, and whether its scenes sync lips, read by its own execution: the production's state carries
 * episode ids only, so no manifest the schema accepts outgrows the 256 KiB a state may pass.
 * First the ids in parts, for the dialogue to be written in order; then, once it is, the
 * scenes that go on to keyframes, voice and video, and the languages the episode is dubbed into.
 */
export async function planEpisode(event: z.output<typeof PlanEpisodeEventSchema>, deps: StageDeps) {
  const manifest = await deps.loadManifest(event.productionId);
  const episode = manifest.episodes.find((candidate) => candidate.id === event.episodeId);
  if (!episode) throw new AssetMissing(`production ${event.productionId} has no episode ${event.episodeId}`);
  const sceneIds = episode.scenes.map((scene) => scene.id);
  // Whether each scene runs Sync lips: the Task is skipped, not run empty, so a manifest without lip-sync keeps its history small.
  const lipSync = manifest.lipSync !== undefined;
  if (event.scripted) {
    const stopped = new Set(
      (await deps.productions.listScenes(event.productionId))
        .filter(
          (scene) =>
            scene.episodeId === episode.id && (scene.status === 'FAILED' || scene.status === 'BUDGET_EXCEEDED'),
        )
        .map((scene) => scene.sceneId),
    );
    // The languages the assembled episode is dubbed into, one Dub episode Task each (none, an empty Map, without dubs).
    const dubs = event.cut === 'animatic' ? [] : (manifest.dubs ?? []).map((tag) => languageOf(tag).tag);
    return { sceneIds: sceneIds.filter((id) => !stopped.has(id)), lipSync, dubs };
  }
  const dialogueParts = [];
  for (let start = 0; start < sceneIds.length; start += SCENES_PER_DIALOGUE_PART)
    dialogueParts.push(sceneIds.slice(start, start + SCENES_PER_DIALOGUE_PART));
  return { sceneIds, dialogueParts, lipSync };
}
