import * as z from 'zod';
import type { DevelopmentFailureRecord, DevelopmentRecord } from '../../core/development-record.js';
import { assetKeys } from '../../core/keys.js';
import type { Manifest, SeriesManifest } from '../../core/manifest/schema.js';
import { renderContactSheet } from '../../adapters/media/contact-sheet.js';
import type { EpisodeSummary } from '../../core/scene-artifacts.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { buildProductionReport } from './production-report.js';

export const FinalizeProductionEventSchema = z.object({
  productionId: z.string().regex(/^[a-z0-9-]{3,63}$/),
  /** Present when the production stopped early: the state machine's Catch output. */
  failure: z.object({ Error: z.string(), Cause: z.string().optional() }).optional(),
});

/** What the development stage left for this manifest's episodes: a record of another synopsis is not this one's. */
async function developmentRecords(deps: StageDeps, manifest: SeriesManifest): Promise<(DevelopmentRecord | DevelopmentFailureRecord)[]> {
  const records = [];
  for (const episode of manifest.episodes) {
    if (episode.synopsis === undefined) continue;
    const record = await deps.assets.findJson<DevelopmentRecord | DevelopmentFailureRecord>(assetKeys.development(manifest.production, episode.id));
    if (record && ('failure' in record || record.synopsis === episode.synopsis)) records.push(record);
  }
  return records;
}

/** The report, the storyboard, and the production's final status. */
export async function finalizeProduction(event: z.output<typeof FinalizeProductionEventSchema>, deps: StageDeps) {
  // A production that stopped in development still has episodes without cards: they are reported with no scenes.
  const series = (await deps.loadManifest(event.productionId)) as SeriesManifest;
  const manifest: Manifest = { ...series, episodes: series.episodes.map((episode) => ({ ...episode, scenes: episode.scenes ?? [] })) };
  const development = await developmentRecords(deps, series);
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
  const report = { ...buildProductionReport({ manifest, meta, scenes, costs, episodes, failure }), ...(development.length > 0 && { development }) };

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
