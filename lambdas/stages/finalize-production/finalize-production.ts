import * as z from 'zod';
import { assetKeys } from '../../core/keys.js';
import { renderContactSheet } from '../../adapters/media/contact-sheet.js';
import type { EpisodeSummary } from '../../core/scene-artifacts.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { buildProductionReport } from './production-report.js';

export const FinalizeProductionEventSchema = z.object({
  productionId: z.string().regex(/^[a-z0-9-]{3,63}$/),
  /** Present when the production stopped early: the state machine's Catch output. */
  failure: z.object({ Error: z.string(), Cause: z.string().optional() }).optional(),
});

/** The report, the storyboard, and the production's final status. */
export async function finalizeProduction(event: z.output<typeof FinalizeProductionEventSchema>, deps: StageDeps) {
  const manifest = await deps.loadManifest(event.productionId);
  const [meta, scenes, costs] = await Promise.all([
    deps.productions.getProduction(event.productionId),
    deps.productions.listScenes(event.productionId),
    deps.ledger.listCosts(event.productionId),
  ]);
  const episodes = new Map<string, EpisodeSummary>();
  for (const episode of manifest.episodes) {
    const summary = await deps.assets.findJson<EpisodeSummary>(assetKeys.episodeSummary(event.productionId, episode.id));
    if (summary) episodes.set(episode.id, summary);
  }
  const failure = event.failure ? { error: event.failure.Error, cause: event.failure.Cause ?? '' } : undefined;
  const report = buildProductionReport({ manifest, meta, scenes, costs, episodes, failure });

  const frames = [];
  for (const episode of manifest.episodes) {
    for (const scene of episode.scenes) {
      const png = await deps.assets.findBytes(`${assetKeys.keyframe({ productionId: event.productionId, episodeId: episode.id, sceneId: scene.id })}.png`);
      if (png) frames.push({ label: `${episode.id}/${scene.id}`, png });
    }
  }
  if (frames.length > 0) {
    await deps.assets.putBytes(assetKeys.storyboard(event.productionId), await renderContactSheet(frames), 'image/png');
  }
  await deps.assets.putJson(assetKeys.report(event.productionId), report);
  await deps.productions.closeProduction(event.productionId, report.status, failure);
  deps.logger.info('production closed', { productionId: event.productionId, status: report.status, spentUsd: report.cost.confirmedUsd, unconfirmedUsd: report.cost.unconfirmedUsd });
  return { productionId: event.productionId, status: report.status, reportKey: assetKeys.report(event.productionId) };
}
