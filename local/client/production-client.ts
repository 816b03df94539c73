import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AssetStore } from '../../lambdas/adapters/aws/asset-store.js';
import type { ProductionStore } from '../../lambdas/adapters/aws/production-store.js';
import { ManifestInvalid } from '../../lambdas/core/contracts/errors.js';
import { describeCause } from '../../lambdas/core/contracts/failure-cause.js';
import { assetKeys, dubStem, EPISODE_FILE_EXTENSIONS } from '../../lambdas/core/contracts/keys.js';
import type { Manifest } from '../../lambdas/core/manifest/schema.js';
import { executionNameFor } from '../../lambdas/core/workflow/execution-name.js';
import type {
  ExecutionSummary,
  FunctionRunSummary,
  ProductionReport,
} from '../../lambdas/stages/finalize-production/production-report.js';
import { assemblingNow, formatProgress, type RunningStates } from './progress.js';
import { ProgressPolls } from './progress-polls.js';
import { describeFailure, rootFailure, type TaskFailure } from './task-failures.js';

export interface RunResult {
  ok: boolean;
  executionName: string;
  /** The execution had already succeeded for these exact bytes: nothing ran, outputs were refreshed. */
  reused: boolean;
  productionId?: string;
  outputDir?: string;
  report?: ProductionReport;
  /** One line a person can act on, when not ok. */
  reason?: string;
  /** Per-line `path: reason` problems when the manifest was rejected. */
  problems?: { path: string; reason: string }[];
  stageMilliseconds: Record<string, number>;
  /** Times each state was entered: with stageMilliseconds, the time one run of a Task takes. */
  stageRuns: Record<string, number>;
}

/** A production execution as Step Functions' DescribeExecution answers for it. */
export interface ExecutionState {
  name: string;
  /** RUNNING for one waiting at its review gate, as Step Functions shows an execution waiting on a task token. */
  status: string;
  startedAt: Date;
  error?: { name: string; cause: string };
}

/**
 * How a client reaches the runtime: the runtime object in this process, or a studio's AWS endpoint.
 * Everything else about a production, its upload, following, delivery and judgement, is the client's own.
 */
export interface RuntimeConnection {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly assets: AssetStore;
  readonly productions: ProductionStore;
  /** Resolves once the execution has ended, or waits at its review gate. */
  waitForExecution(execution: { name: string; productionId: string | undefined }): Promise<ExecutionState>;
  /** The production execution and every episode execution it started, as report.json lists them. */
  executionsOf(production: ExecutionState): Promise<ExecutionSummary[]>;
  /** Each function's invocations and cold starts, when the runtime runs them in sandboxes (deployed mode). */
  functionRuns(): Record<string, FunctionRunSummary> | undefined;
  /** The states running now in a production's executions, as progress names them. */
  statesOf(productionExecution: string): RunningStates;
  /** Every Task failure in the production's execution and the episode executions it started, in order. */
  taskFailuresOf(production: ExecutionState): Promise<TaskFailure[]>;
}

/** A manifest file to produce: its name under `manifests/`, its bytes, and the production it declares. */
export interface ManifestFile {
  fileName: string;
  bytes: Buffer;
  productionId: string | undefined;
}

export interface FollowedExecution {
  name: string;
  manifestKey: string;
  productionId: string | undefined;
}

/**
 * What a producer does with a production, the same through either connection: puts its manifest under
 * `manifests/`, follows the execution the upload starts, downloads the deliverables from
 * `productions/<id>/` to `<out>/<id>/`, and judges whether it ended as the producer asked.
 */
export class ProductionClient {
  private readonly started = Date.now();
  /** Two productions' progress a second, whatever the number followed: each read queries all of a production's scenes. */
  private readonly progress = new ProgressPolls({ perTick: 2, everyMs: 1000 });

  constructor(
    private readonly connection: RuntimeConnection,
    private readonly options: { outDir: string; onProgress?: (line: string) => void },
  ) {}

  /** The bucket's event starts (or reuses) the execution, named from the manifest's bytes. */
  async upload(manifest: ManifestFile): Promise<FollowedExecution> {
    const key = `${assetKeys.manifestsPrefix}${path.basename(manifest.fileName)}`;
    const put = await this.connection.s3.send(
      new PutObjectCommand({ Bucket: this.connection.bucket, Key: key, Body: manifest.bytes }),
    );
    return { name: executionNameFor(key, put.ETag ?? ''), manifestKey: key, productionId: manifest.productionId };
  }

  /** Waits for the execution, showing its progress (once a second alone, in turns when several are followed), then delivers its outputs. */
  async follow(
    { name, manifestKey, productionId }: FollowedExecution,
    onProgress = this.options.onProgress,
  ): Promise<RunResult> {
    const { assets } = this.connection;
    const states = this.connection.statesOf(name);
    const stopReporting =
      onProgress && productionId
        ? this.progress.add(() => this.reportProgress(productionId, states, onProgress))
        : () => undefined;
    let execution: ExecutionState;
    try {
      execution = await this.connection.waitForExecution({ name, productionId });
    } finally {
      stopReporting();
    }
    const reused = execution.startedAt.getTime() < this.started;
    const stageMilliseconds = Object.fromEntries(states.totalMilliseconds);
    const stageRuns = Object.fromEntries(states.entries);

    if (execution.status === 'FAILED' && execution.error?.name === ManifestInvalid.errorName) {
      const rejection = await assets.findJson<{ problems: { path: string; reason: string }[] }>(
        assetKeys.manifestErrors(manifestKey),
      );
      return {
        ok: false,
        executionName: name,
        reused,
        reason: `the manifest was rejected (${rejection?.problems.length ?? 0} problems)`,
        problems: rejection?.problems,
        stageMilliseconds,
        stageRuns,
      };
    }
    const manifest = productionId
      ? await assets.findJson<Manifest>(assetKeys.normalizedManifest(productionId))
      : undefined;
    if (!manifest) {
      const { error } = execution;
      const reason = `${error?.name ?? 'Failed'}: ${error?.cause ?? 'no production was opened'}`;
      return {
        ok: false,
        executionName: name,
        reused,
        reason: await this.withRootCause(reason, execution),
        stageMilliseconds,
        stageRuns,
      };
    }
    const outputDir = path.join(this.options.outDir, manifest.production);
    const report = await downloadDeliverables(assets, manifest, outputDir, {
      executions: await this.connection.executionsOf(execution),
      functions: this.connection.functionRuns(),
    });
    const ok = stoppedCleanly(execution.status, report);
    return {
      ok,
      executionName: name,
      reused,
      productionId: manifest.production,
      outputDir,
      report,
      // A cause the stages recorded says why; the Task failure under the Fail state is the fallback.
      reason: ok
        ? undefined
        : report?.cause
          ? failureReason(execution, report)
          : await this.withRootCause(failureReason(execution, report), execution),
      stageMilliseconds,
      stageRuns,
    };
  }

  /** A failed execution's reason, with the Task failure under the Fail state that ended it: the cause a producer can act on. */
  private async withRootCause(reason: string, execution: ExecutionState): Promise<string> {
    if (execution.status !== 'FAILED') return reason;
    const root = rootFailure(await this.connection.taskFailuresOf(execution), execution.name);
    return root ? `${reason} Cause: ${describeFailure(root)}` : reason;
  }

  private async reportProgress(
    productionId: string,
    states: RunningStates,
    onProgress: (line: string) => void,
  ): Promise<void> {
    const { productions } = this.connection;
    const meta = await productions.findProduction(productionId);
    const scenes = meta ? await productions.listScenes(productionId) : [];
    onProgress(
      formatProgress({
        elapsedSeconds: (Date.now() - this.started) / 1000,
        activeStates: states.active,
        scenesDone: scenes.filter((s) => s.status === 'COMPLETE').length,
        scenesTotal: scenes.length,
        spentUsd: meta?.spentUsd ?? 0,
        unconfirmedUsd: meta?.unconfirmedUsd ?? 0,
        budgetUsd: meta?.budgetUsd ?? 0,
        assembling: assemblingNow(meta?.assembly),
      }),
    );
  }
}

/**
 * Whether a production ended as a producer asked: delivered, rejected or timed out at its review,
 * or still running and waiting at its review gate.
 */
function stoppedCleanly(
  executionStatus: string | undefined,
  report: Pick<ProductionReport, 'status'> | undefined,
): boolean {
  if (executionStatus === 'SUCCEEDED')
    return ['COMPLETE', 'REJECTED', 'REVIEW_TIMED_OUT'].includes(report?.status ?? '');
  return executionStatus === 'RUNNING' && report?.status === 'AWAITING_APPROVAL';
}

function failureReason(execution: Pick<ExecutionState, 'error'>, report: ProductionReport | undefined): string {
  if (report?.status === 'BUDGET_EXCEEDED') {
    const undone = report.episodes.flatMap((e) =>
      e.scenes.filter((s) => s.status !== 'COMPLETE').map((s) => `${e.id}/${s.id}`),
    );
    const stop =
      report.cause?.kind === 'budget'
        ? describeCause(report.cause)
        : `budget exceeded: spent $${report.cost.totalUsd.toFixed(4)} of $${report.budgetUsd.toFixed(2)}`;
    return `${stop}; not delivered: ${undone.join(', ')}`;
  }
  // A scene's cause names the scene and stage itself; a reason without one is the error the state machine caught.
  const failed = report?.episodes.flatMap((e) =>
    e.scenes
      .filter((s) => s.status === 'FAILED')
      .map((s) => (s.cause ? s.reason! : `${e.id}/${s.id} (${s.reason ?? 'unknown'})`)),
  );
  if (failed && failed.length > 0) return `scenes failed: ${failed.join('; ')}`;
  const rejected = report?.episodes
    .filter((e) => e.status === 'FAILED')
    .map((e) => `${e.id} (${e.reason ?? 'unknown'})`);
  if (rejected && rejected.length > 0) return `episodes failed QA and were not delivered: ${rejected.join('; ')}`;
  if (report?.failure) return `${report.failure.error}: ${report.failure.cause}`;
  return `${execution.error?.name ?? 'Failed'}: ${execution.error?.cause ?? 'unknown cause'}`;
}

async function downloadDeliverables(
  assets: AssetStore,
  manifest: Manifest,
  outputDir: string,
  added: Pick<ProductionReport, 'executions' | 'functions'>,
): Promise<ProductionReport | undefined> {
  await mkdir(outputDir, { recursive: true });
  const copy = async (key: string, fileName: string) => {
    const bytes = await assets.findBytes(key);
    if (bytes) await writeFile(path.join(outputDir, fileName), bytes);
    return bytes;
  };
  const stored = await assets.findBytes(assetKeys.report(manifest.production));
  const report: ProductionReport | undefined = stored && {
    ...(JSON.parse(stored.toString('utf8')) as ProductionReport),
    executions: added.executions,
    ...(added.functions && { functions: added.functions }),
  };
  // The report says which episodes were delivered: one that failed QA is not copied out, even if an earlier run left its files.
  for (const stem of report ? deliveredStems(report) : []) {
    for (const extension of EPISODE_FILE_EXTENSIONS) {
      await copy(assetKeys.episode(manifest.production, stem, extension), `${stem}.${extension}`);
    }
  }
  await copy(assetKeys.storyboard(manifest.production), 'storyboard.png');
  for (const episode of manifest.episodes) {
    if (await assets.exists(assetKeys.animatic(manifest.production, episode.id))) {
      await mkdir(path.join(outputDir, 'animatic'), { recursive: true });
      await copy(assetKeys.animatic(manifest.production, episode.id), path.join('animatic', `${episode.id}.mp4`));
    }
  }
  if (!report) return undefined;
  await writeFile(path.join(outputDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

/** The file stems (`ep01`, `ep01.th-TH`) of every cut the report says was delivered: each episode's master and dubs. */
export function deliveredStems(report: ProductionReport): string[] {
  return report.episodes.flatMap((e) => [
    ...(e.file !== null ? [e.id] : []),
    ...(e.dubs ?? []).filter((dub) => dub.file !== null).map((dub) => dubStem(e.id, dub.language)),
  ]);
}
