import { renderContactSheet } from '../../adapters/media/contact-sheet.js';
import { describeCause } from '../../core/contracts/failure-cause.js';
import { assetKeys } from '../../core/contracts/keys.js';
import * as z from '../../core/contracts/zod-mini.js';
import type { DevelopmentFailureRecord, DevelopmentRecord } from '../../core/domain/development-record.js';
import type { CostRow } from '../../core/domain/ledger.js';
import type { DubSummary, EpisodeSummary, StoredScript } from '../../core/domain/scene-artifacts.js';
import type { Manifest, SeriesManifest } from '../../core/manifest/schema.js';
import { languageOf } from '../../core/text/languages.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { buildProductionReport, type ProductionReport } from './production-report.js';

export const FinalizeProductionEventSchema = z.object({
  productionId: z.string().check(z.regex(/^[a-z0-9-]{3,63}$/)),
  /** Present when the production stopped early: the state machine's Catch output. */
  failure: z.optional(z.object({ Error: z.string(), Cause: z.optional(z.string()) })),
  /**
   * The approval gate's statuses, which the workflow decides rather than the scenes: the report
   * written for a review (AWAITING_APPROVAL), and the two clean stops after one.
   */
  closeAs: z.optional(z.enum(['AWAITING_APPROVAL', 'REJECTED', 'REVIEW_TIMED_OUT'])),
  /** The cut a review is of. */
  cut: z.optional(z.enum(['animatic', 'final'])),
  /** The gate's answer on a rejection (its notes, when the producer gave any). */
  decision: z.optional(z.object({ notes: z.optional(z.string().check(z.maxLength(10_000))) })),
});

/** What the development stage left for this manifest's episodes: a record of another synopsis is not this one's. */
async function developmentRecords(
  deps: StageDeps,
  manifest: SeriesManifest,
): Promise<(DevelopmentRecord | DevelopmentFailureRecord)[]> {
  const records = [];
  for (const episode of manifest.episodes) {
    if (episode.synopsis === undefined) continue;
    const record = await deps.assets.findJson<DevelopmentRecord | DevelopmentFailureRecord>(
      assetKeys.development(manifest.production, episode.id),
    );
    if (record && ('failure' in record || record.synopsis === episode.synopsis)) records.push(record);
  }
  return records;
}

/** What was mended in each scene's written script, in scene order (report.json `script.repairs`). */
async function scriptRepairs(
  deps: StageDeps,
  manifest: Manifest,
): Promise<NonNullable<ProductionReport['script']>['repairs']> {
  const repairs = [];
  for (const episode of manifest.episodes) {
    for (const scene of episode.scenes) {
      const script = await deps.assets.findJson<StoredScript>(
        assetKeys.script({ productionId: manifest.production, episodeId: episode.id, sceneId: scene.id }),
      );
      for (const repair of script?.repairs ?? []) repairs.push({ episodeId: episode.id, sceneId: scene.id, ...repair });
    }
  }
  return repairs;
}

/**
 * A production stopped by one failed call can still have a sibling call in flight (a Map stops its
 * iterations, not the functions they started), which settles a moment later. The report waits for
 * such calls, up to `polls` pauses (90 s by default, well inside the function's 300 s), so its spend
 * is the ledger's; one still open after that is listed as settling.
 */
export async function costsOnceSettled(
  listCosts: () => Promise<CostRow[]>,
  { polls = 180, pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)) } = {},
): Promise<CostRow[]> {
  let costs = await listCosts();
  for (let poll = 0; poll < polls && costs.some((row) => row.status === 'RESERVED'); poll++) {
    await pause(500);
    costs = await listCosts();
  }
  return costs;
}

/**
 * The production's own Maps end in these Fail states, each after the paid stage whose recorded cause
 * explains it. A cause from another stage (a retried call that later succeeded) explains nothing here.
 */
const EXPLAINED_BY: Record<string, string> = {
  ReferenceSheetFailed: 'reference-sheet',
  EpisodeDevelopmentFailed: 'development',
};

/** The report, the storyboard, and the production's final status. */
export async function finalizeProduction(event: z.output<typeof FinalizeProductionEventSchema>, deps: StageDeps) {
  // A production that stopped in development still has episodes without cards: they are reported with no scenes.
  const series = (await deps.loadManifest(event.productionId)) as SeriesManifest;
  const manifest: Manifest = {
    ...series,
    episodes: series.episodes.map((episode) => ({ ...episode, scenes: episode.scenes ?? [] })),
  };
  const development = await developmentRecords(deps, series);
  const repairedScripts = await scriptRepairs(deps, manifest);
  const costs = await costsOnceSettled(() => deps.ledger.listCosts(event.productionId));
  const [meta, scenes] = await Promise.all([
    deps.productions.getProduction(event.productionId),
    deps.productions.listScenes(event.productionId),
  ]);
  const episodes = new Map<string, EpisodeSummary>();
  for (const episode of manifest.episodes) {
    const summary = await deps.assets.findJson<EpisodeSummary>(
      assetKeys.episodeSummary(event.productionId, episode.id),
    );
    if (summary) episodes.set(episode.id, summary);
  }
  const dubs = new Map<string, DubSummary[]>();
  for (const episode of manifest.episodes) {
    const found = await Promise.all(
      (manifest.dubs ?? []).map((tag) =>
        deps.assets.findJson<DubSummary>(assetKeys.dubSummary(event.productionId, episode.id, languageOf(tag).tag)),
      ),
    );
    dubs.set(
      episode.id,
      found.filter((summary) => summary !== undefined),
    );
  }
  // The Fail state's Cause is a fixed sentence; what its stage recorded says why.
  const cause =
    event.failure && meta.failureCause?.stage === EXPLAINED_BY[event.failure.Error] ? meta.failureCause : undefined;
  const failure = event.failure && {
    error: event.failure.Error,
    cause: cause ? describeCause(cause) : (event.failure.Cause ?? ''),
  };
  const built = buildProductionReport({
    manifest,
    meta: { ...meta, failureCause: cause },
    scenes,
    costs,
    episodes,
    dubs,
    failure,
  });
  const review = manifest.review && {
    before: manifest.review.before,
    waitHours: manifest.review.waitHours,
    ...(meta.review && { requestedAt: meta.review.requestedAt, expiresAt: meta.review.expiresAt }),
    ...(meta.review?.decision && { decision: meta.review.decision, decidedAt: meta.review.decidedAt }),
    ...((event.decision?.notes ?? meta.review?.notes) && { notes: event.decision?.notes ?? meta.review?.notes }),
  };
  const report = {
    ...built,
    ...(event.closeAs && !failure && { status: event.closeAs }),
    ...(review && { review }),
    ...(development.length > 0 && { development }),
    ...(repairedScripts.length > 0 && { script: { repairs: repairedScripts } }),
  };
  if (event.closeAs === 'AWAITING_APPROVAL' && event.cut === 'animatic') await keepAnimatic(deps, manifest);

  const frames = [];
  for (const episode of manifest.episodes) {
    for (const scene of episode.scenes) {
      const png = await deps.assets.findBytes(
        `${assetKeys.keyframe({ productionId: event.productionId, episodeId: episode.id, sceneId: scene.id })}.png`,
      );
      if (png) frames.push({ label: `${episode.id}/${scene.id}`, png });
    }
  }
  if (frames.length > 0) {
    await deps.assets.putBytes(assetKeys.storyboard(event.productionId), await renderContactSheet(frames), 'image/png');
  }
  await deps.assets.putJson(assetKeys.report(event.productionId), report);
  // A review's report is written before its gate opens. The production becomes AWAITING_APPROVAL when the gate records
  // the review (openReview sets both at once), so nobody sees it waiting with no review to answer.
  if (report.status !== 'AWAITING_APPROVAL')
    await deps.productions.closeProduction(event.productionId, report.status, failure);
  deps.logger.info('production closed', {
    productionId: event.productionId,
    status: report.status,
    spentUsd: report.cost.confirmedUsd,
    unconfirmedUsd: report.cost.unconfirmedUsd,
  });
  return {
    productionId: event.productionId,
    status: report.status,
    reportKey: assetKeys.report(event.productionId),
    // How long the gate after a review's report waits for the decision, in whole seconds (at least one).
    ...(event.closeAs === 'AWAITING_APPROVAL' && {
      reviewWaitSeconds: Math.max(1, Math.round((manifest.review?.waitHours ?? 0) * 3600)),
    }),
  };
}

/** The animatic's episodes, kept apart before the final cut is made over them. */
async function keepAnimatic(deps: StageDeps, manifest: Manifest): Promise<void> {
  for (const episode of manifest.episodes) {
    const mp4 = await deps.assets.findBytes(assetKeys.episode(manifest.production, episode.id, 'mp4'));
    if (mp4) await deps.assets.putBytes(assetKeys.animatic(manifest.production, episode.id), mp4, 'video/mp4');
  }
}
