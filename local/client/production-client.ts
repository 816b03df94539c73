import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ExecutionSummary, ProductionReport } from '../../lambdas/stages/finalize-production/production-report.js';
import { AssetStore } from '../../lambdas/adapters/aws/asset-store.js';
import { assetKeys, EPISODE_FILE_EXTENSIONS } from '../../lambdas/core/keys.js';
import type { Manifest } from '../../lambdas/core/manifest/schema.js';
import { ProductionStore } from '../../lambdas/adapters/aws/production-store.js';
import type { ExecutionRecord } from '../runtime/execution-registry.js';
import { ActiveStates, formatProgress } from './progress.js';
import { LocalRuntime, type LocalRuntimeOptions } from '../runtime/local-runtime.js';

export interface RunOptions extends Pick<LocalRuntimeOptions, 'dataDir' | 'command' | 'settings' | 'retryDelayMs' | 'environment' | 'onExecutionEvent' | 'decorateProviders'> {
  outDir: string;
  /** Called about once a second with a one-line summary while the execution runs. */
  onProgress?: (line: string) => void;
}

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
}

export interface RunSession {
  runtime: LocalRuntime;
  assets: AssetStore;
  productions: ProductionStore;
  /** Waits for the named execution, showing its progress (by default through the run's onProgress), then delivers its outputs. */
  follow(execution: { name: string; manifestKey: string; productionId: string | undefined }, onProgress?: (line: string) => void): Promise<RunResult>;
}

/** Starts the embedded runtime, hands a session to `work`, and always stops the engines afterwards. */
export async function withLocalRuntime<Result>(options: RunOptions, work: (session: RunSession) => Promise<Result>): Promise<Result> {
  // Each followed production counts its own running states, its episodes' included.
  const stagesByProduction = new Map<string, ActiveStates>();
  const stagesOf = (productionExecution: string) => {
    let stages = stagesByProduction.get(productionExecution);
    if (!stages) {
      stages = new ActiveStates(new Set(runtime.taskStateNames));
      stagesByProduction.set(productionExecution, stages);
    }
    return stages;
  };
  const runtime: LocalRuntime = await LocalRuntime.start({
    dataDir: options.dataDir,
    command: options.command,
    settings: options.settings,
    retryDelayMs: options.retryDelayMs,
    environment: options.environment,
    decorateProviders: options.decorateProviders,
    onExecutionEvent: (event) => {
      stagesOf(event.productionExecution).observe(event);
      options.onExecutionEvent?.(event);
    },
  });
  try {
    const assets = new AssetStore(runtime.s3, runtime.names.bucket);
    const productions = new ProductionStore(DynamoDBDocumentClient.from(runtime.dynamo), runtime.names.table);
    const started = Date.now();

    const follow: RunSession['follow'] = async ({ name, manifestKey, productionId }, onProgress = options.onProgress) => {
      const taskStates = stagesOf(name);
      const reportProgress = async () => {
        if (!onProgress || !productionId) return;
        const meta = await productions.findProduction(productionId);
        const scenes = meta ? await productions.listScenes(productionId) : [];
        onProgress(
          formatProgress({
            elapsedSeconds: (Date.now() - started) / 1000,
            activeStates: taskStates.active,
            scenesDone: scenes.filter((s) => s.status === 'COMPLETE').length,
            scenesTotal: scenes.length,
            spentUsd: meta?.spentUsd ?? 0,
            unconfirmedUsd: meta?.unconfirmedUsd ?? 0,
            budgetUsd: meta?.budgetUsd ?? 0,
          }),
        );
      };
      const ticker = setInterval(() => {
        void reportProgress().catch(() => undefined);
      }, 1000);
      let record: ExecutionRecord;
      try {
        record = await runtime.waitForExecution(name);
      } finally {
        clearInterval(ticker);
      }
      const reused = new Date(record.startedAt).getTime() < started;
      const stageMilliseconds = Object.fromEntries(taskStates.totalMilliseconds);

      if (record.status === 'FAILED' && record.error?.name === 'ManifestInvalid') {
        const rejection = await assets.findJson<{ problems: { path: string; reason: string }[] }>(assetKeys.manifestErrors(manifestKey));
        return {
          ok: false,
          executionName: name,
          reused,
          reason: `the manifest was rejected (${rejection?.problems.length ?? 0} problems)`,
          problems: rejection?.problems,
          stageMilliseconds,
        };
      }
      const manifest = productionId ? await assets.findJson<Manifest>(assetKeys.normalizedManifest(productionId)) : undefined;
      if (!manifest) {
        return { ok: false, executionName: name, reused, reason: `${record.error?.name ?? 'Failed'}: ${record.error?.cause ?? 'no production was opened'}`, stageMilliseconds };
      }
      const outputDir = path.join(options.outDir, manifest.production);
      const executions = (await runtime.executionsOf(name)).map((execution) => ({
        name: execution.name,
        kind: execution.kind,
        status: execution.status,
        events: execution.events ?? 0,
      }));
      const report = await downloadDeliverables(assets, manifest, outputDir, executions);
      // A paused execution is one Step Functions shows RUNNING, waiting on its gate's token.
      const ok = stoppedCleanly(record.status === 'PAUSED' ? 'RUNNING' : record.status, report);
      return {
        ok,
        executionName: name,
        reused,
        productionId: manifest.production,
        outputDir,
        report,
        reason: ok ? undefined : failureReason(record, report),
        stageMilliseconds,
      };
    };
    return await work({ runtime, assets, productions, follow });
  } finally {
    await runtime.stop();
  }
}

/**
 * Whether a production ended as a producer asked: delivered, rejected or timed out at its review,
 * or still running and waiting at its review gate. Both ways of producing (in this process, and
 * through a studio's Step Functions API) judge with this.
 */
export function stoppedCleanly(executionStatus: string | undefined, report: Pick<ProductionReport, 'status'> | undefined): boolean {
  if (executionStatus === 'SUCCEEDED') return ['COMPLETE', 'REJECTED', 'REVIEW_TIMED_OUT'].includes(report?.status ?? '');
  return executionStatus === 'RUNNING' && report?.status === 'AWAITING_APPROVAL';
}

export function failureReason(record: Pick<ExecutionRecord, 'error'>, report: ProductionReport | undefined): string {
  if (report?.status === 'BUDGET_EXCEEDED') {
    const undone = report.episodes.flatMap((e) => e.scenes.filter((s) => s.status !== 'COMPLETE').map((s) => `${e.id}/${s.id}`));
    return `budget exceeded: spent $${report.cost.totalUsd.toFixed(4)} of $${report.budgetUsd.toFixed(2)}; not delivered: ${undone.join(', ')}`;
  }
  const failed = report?.episodes.flatMap((e) => e.scenes.filter((s) => s.status === 'FAILED').map((s) => `${e.id}/${s.id} (${s.reason ?? 'unknown'})`));
  if (failed && failed.length > 0) return `scenes failed: ${failed.join('; ')}`;
  const rejected = report?.episodes.filter((e) => e.status === 'FAILED').map((e) => `${e.id} (${e.reason ?? 'unknown'})`);
  if (rejected && rejected.length > 0) return `episodes failed QA and were not delivered: ${rejected.join('; ')}`;
  if (report?.failure) return `${report.failure.error}: ${report.failure.cause}`;
  return `${record.error?.name ?? 'Failed'}: ${record.error?.cause ?? 'unknown cause'}`;
}

export async function downloadDeliverables(
  assets: AssetStore,
  manifest: Manifest,
  outputDir: string,
  executions: ExecutionSummary[],
): Promise<ProductionReport | undefined> {
  await mkdir(outputDir, { recursive: true });
  const copy = async (key: string, fileName: string) => {
    const bytes = await assets.findBytes(key);
    if (bytes) await writeFile(path.join(outputDir, fileName), bytes);
    return bytes;
  };
  const stored = await assets.findBytes(assetKeys.report(manifest.production));
  const report: ProductionReport | undefined = stored && { ...(JSON.parse(stored.toString('utf8')) as ProductionReport), executions };
  // The report says which episodes were delivered: one that failed QA is not copied out, even if an earlier run left its files.
  const delivered = new Set(report?.episodes.filter((e) => e.file !== null).map((e) => e.id));
  for (const episode of manifest.episodes.filter((e) => delivered.has(e.id))) {
    for (const extension of EPISODE_FILE_EXTENSIONS) {
      await copy(assetKeys.episode(manifest.production, episode.id, extension), `${episode.id}.${extension}`);
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
