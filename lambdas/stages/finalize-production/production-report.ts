import { BudgetExceeded } from '../../core/contracts/errors.js';
import { describeCause, type FailureCause } from '../../core/contracts/failure-cause.js';
import { sceneLabel } from '../../core/contracts/keys.js';
import { round } from '../../core/contracts/money.js';
import type { Repair } from '../../core/contracts/ports.js';
import type { DevelopmentFailureRecord, DevelopmentRecord } from '../../core/domain/development-record.js';
import type { CostRow } from '../../core/domain/ledger.js';
import { type NativeVoiceRecord, voiceDriftWarning } from '../../core/domain/native-voice.js';
import type {
  ProductionMeta,
  ProductionStatus,
  SceneRecord,
  VideoCandidate,
} from '../../core/domain/production-model.js';
import type {
  DubFit,
  DubLipResync,
  DubRepair,
  DubSummary,
  EpisodeAudio,
  EpisodeExports,
  EpisodeQa,
  EpisodeSummary,
  QaCheck,
} from '../../core/domain/scene-artifacts.js';
import type { Manifest } from '../../core/manifest/schema.js';
import { costUsd } from '../../core/pricing/pricing.js';
import { findLanguage } from '../../core/text/languages.js';

export interface SceneReport {
  id: string;
  status: string;
  attempts: number;
  durationSeconds: number;
  costUsd: number;
  /** The kept keyframe's consistency, once keyframes were scored. */
  consistency?: SceneConsistency;
  /** Every clip bought for a scene that asked for several candidates: its scores, cost, and why it was kept or not. */
  video?: { candidates: CandidateReport[] };
  /** Present when the video model spoke the scene's lines: no speech or lip-sync was bought for it. */
  voice?: NativeVoiceRecord;
  stoppedAt?: string;
  /** The error name the state machine caught; `reason` says why in one line, `cause` as data. */
  error?: string;
  reason?: string;
  cause?: FailureCause;
}

/**
 * Whether a scene's kept keyframe passed: `passed` is false when every attempt fell short and the best
 * was kept so the animatic still has a frame. `best` is its weakest character's score, `scores` each one's.
 */
export interface SceneConsistency {
  passed: boolean;
  /** Absent for a scene rendered before the threshold was recorded. */
  threshold?: number;
  best: number;
  scores: Record<string, number>;
  /** What was mended in a judge model's verdicts, by keyframe attempt and character; present only when anything was. */
  repairs?: (Repair & { attempt: number; characterId: string })[];
}

/** One video candidate as report.json shows it: its cost is what the ledger holds for the clip and its scoring. */
export type CandidateReport = Omit<VideoCandidate, 'costKeys'> & { costUsd: number };

export interface ProductionReport {
  production: string;
  title: string;
  status: ProductionStatus;
  /** The manifest's share weight for contended provider slots (1 to 10). */
  priority: number;
  budgetUsd: number;
  cost: {
    /** What counts against the budget: confirmed and unconfirmed spend. */
    totalUsd: number;
    /** Calls settled at the usage their provider reported; `byStage`, `byProvider` and `byModel` break it down. */
    confirmedUsd: number;
    /** Calls that may have been billed but never answered, at their estimates (docs/operations.md, Unconfirmed charges). */
    unconfirmedUsd: number;
    remainingUsd: number;
    byStage: Record<string, number>;
    byProvider: Record<string, number>;
    byModel: Record<string, number>;
    unconfirmed: UnconfirmedCharge[];
    /** Calls still in flight when the report was written (their hold is not spend yet); present only when there are any. */
    settling?: UnconfirmedCharge[];
  };
  failure?: { error: string; cause: string };
  /**
   * Why the production stopped, as data: what failed one of its own stages (the Fail state's name is
   * `failure.error`), or else the budget or provider that stopped its first stopped scene.
   */
  cause?: FailureCause;
  /** The episodes the development stage wrote from their synopsis: the cards and summary of each, or why it could not. */
  development?: (DevelopmentRecord | DevelopmentFailureRecord)[];
  /** What was mended in the text model's scripts before they were kept, scene by scene; present only when anything was. */
  script?: { repairs: (Repair & { episodeId: string; sceneId: string })[] };
  /** The approval gate, when the manifest has one: what it is before, its wait, and the decision with its notes. */
  review?: {
    before: 'video' | 'delivery';
    waitHours: number;
    requestedAt?: string;
    expiresAt?: string;
    decision?: 'APPROVED' | 'REJECTED';
    decidedAt?: string;
    notes?: string;
  };
  episodes: EpisodeReport[];
  /** Every episode's QA before delivery: passed when every assembled episode passed every check. */
  qa: { passed: boolean; checks: (QaCheck & { episode: string })[] };
  /** The scenes whose every keyframe attempt fell short of the consistency threshold, counted and named. */
  consistency: { passed: boolean; scenesBelowThreshold: number; scenes: string[] };
  /** What a producer should know before trusting the cut: that native voices may drift between clips. */
  warnings?: string[];
  generatedAt: string;
  /**
   * Every execution that made the production, with its history's size. Added by the runtime
   * that ran them once the production's execution has ended (the local runtime; in AWS the
   * Step Functions console lists them): the report itself is written before that.
   */
  executions?: ExecutionSummary[];
  /**
   * Each function's invocations and cold starts, added by the local twin when it ran the functions
   * from the cloud assembly (`produce --deployed`); counted over the twin's run, its other productions included.
   */
  functions?: Record<string, FunctionRunSummary>;
}

export interface FunctionRunSummary {
  invocations: number;
  coldStarts: number;
}

export interface EpisodeReport {
  id: string;
  title: string;
  /** DELIVERED: assembled and passed QA; FAILED: stopped by QA (see `reason`); NOT_ASSEMBLED: no finished scene, or the run stopped first. */
  status: 'DELIVERED' | 'FAILED' | 'NOT_ASSEMBLED';
  reason?: string;
  file: string | null;
  /** The editor's exports next to `file`, when the episode was assembled with them. */
  exports: EpisodeExports | null;
  /** The 9:16 cover next to `file`, `<episode>.cover.jpg`. */
  cover?: string;
  /** The platform package in the manifest's language next to `file`, `<episode>.platform.json` (docs/markets.md). */
  platform?: string;
  durationSeconds: number;
  /** The delivered mix's measured loudness and its music bed. */
  audio?: EpisodeAudio;
  qa?: EpisodeQa;
  /** One per language the manifest dubs into, in its order; absent without dubs. */
  dubs?: DubReport[];
  scenes: SceneReport[];
}

/** A dub of the episode: its files are the episode's with the language before the extension. */
export interface DubReport {
  language: string;
  /** DELIVERED: cut and passed QA; FAILED: stopped by QA (see `reason`); NOT_DUBBED: not made (the master was not delivered, or the run stopped first). */
  status: 'DELIVERED' | 'FAILED' | 'NOT_DUBBED';
  reason?: string;
  file: string | null;
  exports: EpisodeExports | null;
  /** The episode's title in the language, and the cover it is set on, `<episode>.<lang>.cover.jpg`. */
  title?: string;
  cover?: string;
  /** The platform package in the language, `<episode>.<lang>.platform.json`. */
  platform?: string;
  durationSeconds: number;
  masterDurationSeconds: number;
  /** Who translated; `standIn` for the offline phrasebook, which keeps mood and length but not meaning. */
  translation?: DubSummary['translation'];
  fit?: DubFit[];
  /** With a lip-synced master: the scenes whose lips were synced again to the dubbed voice, and by which model. */
  lipSync?: DubLipResync;
  /** What was mended in the translator's answers: a scene's line, the title or the listing, by the pipeline or the model. */
  repairs?: DubRepair[];
  audio?: EpisodeAudio;
  qa?: EpisodeQa;
  /** Translations, voices and lip re-syncs bought by the run that made the dub; no image or video is. */
  costUsd: number;
}

/** One unconfirmed charge, with what an operator needs to find the call on the provider's bill. */
export interface UnconfirmedCharge {
  stage: string;
  scene?: string;
  estimateUsd: number;
  idempotencyKey: string;
  since: string;
}

export interface ExecutionSummary {
  name: string;
  kind: 'production' | 'episode';
  status: string;
  /** History events, counted as Step Functions counts them. */
  events: number;
}

function addTo(totals: Record<string, number>, key: string, usd: number) {
  totals[key] = round((totals[key] ?? 0) + usd);
}

/**
 * A row's cost per model that was billed for it. A row settled after a tier
 * escalation carries every charge; the last part takes the rounding remainder so
 * the parts add up to the row exactly.
 */
function costByModel(row: CostRow): { provider: string; model: string; usd: number }[] {
  if (!row.charges || row.charges.length < 2)
    return [{ provider: row.provider ?? 'unknown', model: row.model ?? 'unknown', usd: row.usd }];
  const parts = row.charges.map((charge) => ({
    provider: charge.provider,
    model: charge.model,
    usd: round(costUsd(charge.provider, charge.model, charge.usage)),
  }));
  const last = parts[parts.length - 1]!;
  last.usd = round(row.usd - parts.slice(0, -1).reduce((sum, part) => sum + part.usd, 0));
  return parts;
}

/**
 * The production's status: COMPLETE only when every scene of every episode was
 * delivered; a budget stop wins over other failures because it explains them.
 */
export function productionStatus(
  scenes: SceneReport[],
  failure: { error: string } | undefined,
  cause?: FailureCause,
): ProductionStatus {
  if (failure)
    return failure.error === BudgetExceeded.errorName || cause?.kind === 'budget' ? 'BUDGET_EXCEEDED' : 'FAILED';
  if (scenes.some((s) => s.status === 'BUDGET_EXCEEDED')) return 'BUDGET_EXCEEDED';
  return scenes.every((s) => s.status === 'COMPLETE') ? 'COMPLETE' : 'FAILED';
}

/** The kept keyframe's consistency as report.json gives it; undefined before the keyframes were scored. */
export function sceneConsistency(record: SceneRecord): Pick<SceneReport, 'consistency'> | undefined {
  if (!record.consistency || !record.keyframeAttempts?.length) return undefined;
  const scores = Object.values(record.consistency);
  const repairs = record.keyframeAttempts.flatMap((attempt) =>
    (attempt.repairs ?? []).map((repair) => ({ attempt: attempt.attempt, ...repair })),
  );
  return {
    consistency: {
      passed: record.keyframeAttempts.some((attempt) => attempt.accepted),
      ...(record.consistencyThreshold !== undefined && { threshold: record.consistencyThreshold }),
      best: scores.length > 0 ? Math.min(...scores) : 1,
      scores: record.consistency,
      ...(repairs.length > 0 && { repairs }),
    },
  };
}

/**
 * A scene's candidates with what each cost: every ledger row under its clip's or its scores' keys (a
 * retried attempt's row is `<key>#after-<time>`), settled or unconfirmed, since both count against the budget.
 */
export function candidatesWithCost(candidates: VideoCandidate[], costs: CostRow[]): CandidateReport[] {
  const counted = costs.filter((row) => row.status === 'SETTLED' || row.status === 'UNCONFIRMED');
  const costOf = (keys: string[]) =>
    counted
      .filter((row) => keys.some((key) => row.idempotencyKey === key || row.idempotencyKey.startsWith(`${key}#`)))
      .reduce((sum, row) => sum + (row.status === 'SETTLED' ? row.usd : row.estimateUsd), 0);
  return candidates.map(({ costKeys, ...candidate }) => ({ ...candidate, costUsd: round(costOf(costKeys)) }));
}

function sceneCandidates(record: SceneRecord, costs: CostRow[]): Pick<SceneReport, 'video'> | undefined {
  if (!record.videoCandidates?.length) return undefined;
  return { video: { candidates: candidatesWithCost(record.videoCandidates, costs) } };
}

/** Why a scene stopped, in one line: its recorded cause in words, else the error the state machine caught. */
export function sceneFailureReason(failure: { error: string; cause: string }, cause: FailureCause | undefined): string {
  return cause ? describeCause(cause) : `${failure.error}: ${failure.cause}`;
}

export function buildProductionReport(input: {
  manifest: Manifest;
  meta: ProductionMeta;
  scenes: SceneRecord[];
  costs: CostRow[];
  episodes: Map<string, EpisodeSummary>;
  /** Each episode's dub summaries. */
  dubs?: Map<string, DubSummary[]>;
  failure?: { error: string; cause: string };
}): ProductionReport {
  const records = new Map(input.scenes.map((s) => [`${s.episodeId}/${s.sceneId}`, s]));
  const episodes = input.manifest.episodes.map((episode): EpisodeReport => {
    const summary = input.episodes.get(episode.id);
    const failedChecks = summary?.qa?.checks.filter((c) => !c.passed) ?? [];
    return {
      id: episode.id,
      title: episode.title,
      status: summary?.file ? 'DELIVERED' : failedChecks.length > 0 ? 'FAILED' : 'NOT_ASSEMBLED',
      ...(failedChecks.length > 0
        ? { reason: `EpisodeQaFailed: ${failedChecks.map((c) => `${c.name}: ${c.detail}`).join('; ')}` }
        : {}),
      file: summary?.file ?? null,
      exports: summary?.exports ?? null,
      ...(summary?.cover ? { cover: summary.cover } : {}),
      ...(summary?.file && summary.platform ? { platform: summary.platform } : {}),
      durationSeconds: summary?.durationSeconds ?? 0,
      ...(summary?.audio ? { audio: summary.audio } : {}),
      ...(summary?.qa ? { qa: summary.qa } : {}),
      ...(input.manifest.dubs?.length
        ? { dubs: dubReports(input.manifest.dubs, input.dubs?.get(episode.id) ?? []) }
        : {}),
      scenes: episode.scenes.map((scene): SceneReport => {
        const record = records.get(`${episode.id}/${scene.id}`);
        return {
          id: scene.id,
          status: record?.status ?? 'PENDING',
          attempts: record?.attempts ?? 0,
          durationSeconds: record?.durationSeconds ?? 0,
          costUsd: round(record?.costUsd ?? 0),
          ...(record && sceneConsistency(record)),
          ...(record && sceneCandidates(record, input.costs)),
          ...(record?.nativeVoice && { voice: record.nativeVoice }),
          ...(record?.failure && {
            stoppedAt: record.failedStage,
            error: record.failure.error,
            reason: sceneFailureReason(record.failure, record.failureCause),
            ...(record.failureCause && { cause: record.failureCause }),
          }),
        };
      }),
    };
  });

  const settled = input.costs.filter((row) => row.status === 'SETTLED');
  const byStage: Record<string, number> = {};
  const byProvider: Record<string, number> = {};
  const byModel: Record<string, number> = {};
  for (const row of settled) {
    addTo(byStage, row.stage, row.usd);
    for (const part of costByModel(row)) {
      addTo(byProvider, part.provider, part.usd);
      addTo(byModel, `${part.provider}/${part.model}`, part.usd);
    }
  }
  const confirmedUsd = round(settled.reduce((sum, row) => sum + row.usd, 0));
  const openCharges = (status: CostRow['status']) =>
    input.costs
      .filter((row) => row.status === status)
      .map(
        (row): UnconfirmedCharge => ({
          stage: row.stage,
          ...(row.episodeId && row.sceneId
            ? { scene: sceneLabel({ episodeId: row.episodeId, sceneId: row.sceneId }) }
            : {}),
          estimateUsd: row.estimateUsd,
          idempotencyKey: row.idempotencyKey,
          since: row.unconfirmedAt ?? row.createdAt,
        }),
      );
  const unconfirmed = openCharges('UNCONFIRMED');
  const settling = openCharges('RESERVED');
  const unconfirmedUsd = round(unconfirmed.reduce((sum, charge) => sum + charge.estimateUsd, 0));
  const totalUsd = round(confirmedUsd + unconfirmedUsd);
  const qaChecks = episodes.flatMap((e) => (e.qa?.checks ?? []).map((c) => ({ episode: e.id, ...c })));
  const qaFailed = episodes.some((e) => e.status === 'FAILED');
  const stoppedScenes = episodes.flatMap((e) => e.scenes).filter((s) => s.cause);
  const cause = input.failure
    ? input.meta.failureCause
    : (stoppedScenes.find((s) => s.cause?.kind === 'budget') ?? stoppedScenes[0])?.cause;
  const drift = voiceDriftWarning(input.scenes.flatMap((scene) => (scene.nativeVoice ? [scene.nativeVoice] : [])));
  const belowThreshold = episodes.flatMap((e) =>
    e.scenes.filter((s) => s.consistency?.passed === false).map((s) => `${e.id}/${s.id}`),
  );
  return {
    production: input.manifest.production,
    title: input.manifest.title,
    status:
      qaFailed && !input.failure
        ? 'FAILED'
        : productionStatus(
            episodes.flatMap((e) => e.scenes),
            input.failure,
            cause,
          ),
    priority: input.manifest.priority,
    budgetUsd: input.manifest.budgetUsd,
    cost: {
      totalUsd,
      confirmedUsd,
      unconfirmedUsd,
      remainingUsd: round(input.manifest.budgetUsd - totalUsd),
      byStage,
      byProvider,
      byModel,
      unconfirmed,
      ...(settling.length > 0 && { settling }),
    },
    ...(input.failure ? { failure: input.failure } : {}),
    ...(cause && { cause }),
    episodes,
    qa: { passed: !qaFailed && qaChecks.every((c) => c.passed), checks: qaChecks },
    consistency: {
      passed: belowThreshold.length === 0,
      scenesBelowThreshold: belowThreshold.length,
      scenes: belowThreshold,
    },
    ...(drift && { warnings: [drift] }),
    generatedAt: new Date().toISOString(),
  };
}

function dubReports(languages: string[], summaries: DubSummary[]): DubReport[] {
  return languages.map((tag) => {
    const language = findLanguage(tag)?.tag ?? tag;
    const summary = summaries.find((candidate) => candidate.language === language);
    const failedChecks = summary?.qa.checks.filter((c) => !c.passed) ?? [];
    return {
      language,
      status: summary?.file ? 'DELIVERED' : failedChecks.length > 0 ? 'FAILED' : 'NOT_DUBBED',
      ...(failedChecks.length > 0
        ? { reason: `EpisodeQaFailed: ${failedChecks.map((c) => `${c.name}: ${c.detail}`).join('; ')}` }
        : {}),
      file: summary?.file ?? null,
      exports: summary?.exports ?? null,
      ...(summary?.title !== undefined && { title: summary.title }),
      ...(summary?.cover !== undefined && { cover: summary.cover }),
      ...(summary?.file !== undefined && summary.platform !== undefined && { platform: summary.platform }),
      durationSeconds: summary?.durationSeconds ?? 0,
      masterDurationSeconds: summary?.masterDurationSeconds ?? 0,
      ...(summary && { translation: summary.translation, fit: summary.fit }),
      ...(summary?.lipSync && { lipSync: summary.lipSync }),
      ...(summary?.repairs && summary.repairs.length > 0 && { repairs: summary.repairs }),
      ...(summary && { audio: summary.audio, qa: summary.qa }),
      costUsd: round(summary?.costUsd ?? 0),
    };
  });
}
