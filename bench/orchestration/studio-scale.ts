import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { produceMany } from '../../local/commands/produce.js';
import { RunCpu } from '../process-cpu.js';
import {
  SIMULATION_PLAN_VARIABLE,
  simulationFor,
  simulationLoad,
  withSimulatedProviders,
} from '../simulated-providers/simulated-providers.js';
import { SIMULATED_STAGES, type SimulatedStage } from '../simulated-providers/simulation-plan.js';
import { type OrchestrationBound, orchestrationBound, type ProviderLoad, utilisation } from './orchestration-bound.js';
import { runSequentially, type SequentialRun } from './sequential-baseline.js';
import { type StudioProduction, studioManifest } from './studio-manifest.js';

/** The source's latency table, ms per call. */
export const SOURCE_LATENCY_MS: Record<SimulatedStage, number> = { script: 800, image: 1200, speech: 600, video: 4500 };
/** Provider concurrency limits, as a studio's provider quotas would set them. */
export const PROVIDER_CONCURRENCY: Record<SimulatedStage, number> = { script: 50, image: 20, speech: 20, video: 10 };
/** The offline model each simulated stage stands in front of, as `provider/model` slot limits name it. */
const OFFLINE_MODELS: Record<SimulatedStage, string> = {
  script: 'offline/phrasebook-v1',
  image: 'offline/storyboard-v1',
  speech: 'offline/espeak-ng',
  video: 'offline/camera-motion-v1',
};

export interface StudioScaleOptions {
  productions: StudioProduction[];
  timeScale: number;
  sceneMaxConcurrency: number;
  episodeMaxConcurrency: number;
  /**
   * Video jobs taken off the queue at once. Above the provider's slots, so the jobs wait in
   * the priority-weighted shares of the slots rather than first-come-first-served in the queue.
   */
  videoWorkerMaxConcurrency: number;
  /** Scenes the one-after-another baseline really runs; its time is scaled up to the whole workload. */
  baselineSampleScenes: number;
  /** The batch script's rate limiter, requests a second before the time scale. */
  baselineRequestsPerSecond: number;
  /** Worker processes the handlers run in (docs/twin.md); unset or 0, they run in the runtime's process. */
  handlerWorkers?: number;
}

export interface StudioProductionResult {
  productionId: string;
  priority: number;
  scenes: number;
  ok: boolean;
  reason?: string;
  /** From the season's first event to this production's execution ending. */
  finishedAfterMs: number;
}

export interface StudioScaleResult {
  productions: StudioProductionResult[];
  scenes: number;
  timeScale: number;
  ok: boolean;
  /** `production/episode/scene: reason` for every scene that did not complete. */
  failedScenes: string[];
  makespanMs: number;
  /** Mean time to finish of the productions of each priority, from the season's start. */
  makespanByPriority: Record<string, number>;
  bound: OrchestrationBound;
  makespanOverBound: number;
  providers: Record<SimulatedStage, ProviderLoad & { utilisation: number; waitMs: number }>;
  stageMilliseconds: Record<string, number>;
  sequential: SequentialRun & { sampleScenes: number; projectedMs: number };
  pipelineSpeedup: number;
  /** The embedded runtime's process: CPU seconds it used over the run, against the wall clock. */
  processCpuShare: number;
  /** CPU seconds of the runtime's process and its worker processes, per scene. */
  runtimeCpuPerSceneSeconds: number;
  /** CPU seconds of the ffmpeg and espeak runs the handlers made, per scene. */
  mediaToolsCpuPerSceneSeconds: number;
  handlerWorkers: number;
  /** Where a season that lost a production left its data directory and outputs, to read its histories; gone when every production completed. */
  keptWorkDir?: string;
}

/** The module a worker process imports its simulated providers from (`providerDecorator`). */
const SIMULATED_PROVIDERS_MODULE = fileURLToPath(
  new URL('../simulated-providers/simulated-providers.ts', import.meta.url),
);

function meanBy(values: { key: number; value: number }[]): Record<string, number> {
  const groups = new Map<number, number[]>();
  for (const { key, value } of values) groups.set(key, [...(groups.get(key) ?? []), value]);
  return Object.fromEntries(
    [...groups]
      .sort(([a], [b]) => b - a)
      .map(([key, group]) => [String(key), group.reduce((sum, v) => sum + v, 0) / group.length]),
  );
}

/**
 * A season sample: several productions of mixed priority, uploaded at once to one local
 * runtime, behind simulated providers with the source's latencies and concurrency.
 */
export async function measureStudioScale(options: StudioScaleOptions): Promise<StudioScaleResult> {
  const scenes = options.productions.reduce(
    (sum, production) => sum + production.shape.episodes * production.shape.scenesPerEpisode,
    0,
  );
  const handlerWorkers = options.handlerWorkers ?? 0;
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-bench-studio-'));
  // Every process that calls the providers logs its calls to one file, so their load is summed across workers.
  const planText = JSON.stringify({
    timeScale: options.timeScale,
    latencyMs: SOURCE_LATENCY_MS,
    concurrency: PROVIDER_CONCURRENCY,
    callLog: path.join(workDir, 'provider-calls.jsonl'),
  });
  const simulation = simulationFor(planText);
  let everyProductionComplete = false;
  try {
    const manifestPaths = await Promise.all(
      options.productions.map(async (production) => {
        const manifestPath = path.join(workDir, `${production.name}.json`);
        // Pretty-printed: produce reads the production id from its own line to find the deliverables.
        await writeFile(manifestPath, JSON.stringify(studioManifest(production), null, 2));
        return manifestPath;
      }),
    );
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    const ended = new Map<string, number>();
    const cpuBefore = process.cpuUsage();
    const runCpu = new RunCpu();
    // In workers, each process has its own simulated slots; the runtime's provider slots, shared through the
    // table across the workers, hold the machine to the same limits.
    if (handlerWorkers > 0) process.env[SIMULATION_PLAN_VARIABLE] = planText;
    const results = await produceMany({
      manifestPaths,
      outDir: path.join(workDir, 'out'),
      dataDir: path.join(workDir, 'data'),
      ...(handlerWorkers > 0
        ? { providerDecorator: { module: SIMULATED_PROVIDERS_MODULE, exportName: 'simulateInThisProcess' } }
        : { decorateProviders: (providers) => withSimulatedProviders(providers, simulation) }),
      settings: {
        handlerWorkers,
        sceneMaxConcurrency: options.sceneMaxConcurrency,
        episodeMaxConcurrency: options.episodeMaxConcurrency,
        videoWorkerMaxConcurrency: options.videoWorkerMaxConcurrency,
        // A job may wait for a slot far longer than it takes to render: the queue must not hand it out again meanwhile.
        videoVisibilityTimeoutSeconds: 900,
        providerSlots: Object.fromEntries(
          SIMULATED_STAGES.map((stage) => [OFFLINE_MODELS[stage], PROVIDER_CONCURRENCY[stage]]),
        ),
      },
      onExecutionEvent: (event) => {
        first = Math.min(first, event.timestamp);
        last = Math.max(last, event.timestamp);
        if (event.executionName === event.productionExecution) ended.set(event.executionName, event.timestamp);
      },
    });
    const cpu = process.cpuUsage(cpuBefore);
    const { runtimeSeconds, mediaToolsSeconds } = runCpu.stop();
    const makespanMs = last - first;
    const load = simulationLoad(simulation);
    const providers = Object.fromEntries(
      SIMULATED_STAGES.map((stage) => {
        const provider: ProviderLoad = {
          calls: load[stage].calls,
          latencyMs: SOURCE_LATENCY_MS[stage],
          concurrency: PROVIDER_CONCURRENCY[stage],
          busyMs: load[stage].busyMs,
        };
        return [stage, { ...provider, utilisation: utilisation(provider, makespanMs), waitMs: load[stage].waitMs }];
      }),
    ) as StudioScaleResult['providers'];
    const bound = orchestrationBound(providers, scenes, options.timeScale);

    const productions = options.productions.map((production, index): StudioProductionResult => {
      const result = results[index]!;
      return {
        productionId: production.name,
        priority: production.priority,
        scenes: production.shape.episodes * production.shape.scenesPerEpisode,
        ok: result.ok,
        reason: result.reason,
        finishedAfterMs: (ended.get(result.executionName) ?? last) - first,
      };
    });
    const stageMilliseconds: Record<string, number> = {};
    for (const result of results)
      for (const [state, ms] of Object.entries(result.stageMilliseconds))
        stageMilliseconds[state] = (stageMilliseconds[state] ?? 0) + ms;

    const callsPerScene = Object.fromEntries(
      SIMULATED_STAGES.map((stage) => [stage, providers[stage].calls / scenes]),
    ) as Record<SimulatedStage, number>;
    const sample = await runSequentially({
      scenes: options.baselineSampleScenes,
      callsPerScene,
      latencyMs: Object.fromEntries(
        SIMULATED_STAGES.map((stage) => [stage, SOURCE_LATENCY_MS[stage] * options.timeScale]),
      ) as Record<SimulatedStage, number>,
      requestsPerSecond: options.baselineRequestsPerSecond / options.timeScale,
    });
    const projectedMs = (sample.wallMs / options.baselineSampleScenes) * scenes;
    everyProductionComplete = results.every((result) => result.ok);
    return {
      productions,
      scenes,
      timeScale: options.timeScale,
      ok: everyProductionComplete,
      ...(!everyProductionComplete && { keptWorkDir: workDir }),
      failedScenes: results.flatMap((result, index) =>
        (result.report?.episodes ?? []).flatMap((episode) =>
          episode.scenes
            .filter((scene) => scene.status !== 'COMPLETE')
            .map(
              (scene) =>
                `${options.productions[index]!.name}/${episode.id}/${scene.id}: ${scene.reason ?? scene.status}`,
            ),
        ),
      ),
      makespanMs,
      makespanByPriority: meanBy(
        productions.map((production) => ({ key: production.priority, value: production.finishedAfterMs })),
      ),
      bound,
      makespanOverBound: makespanMs / bound.boundMs,
      providers,
      stageMilliseconds,
      sequential: { ...sample, sampleScenes: options.baselineSampleScenes, projectedMs },
      pipelineSpeedup: projectedMs / makespanMs,
      processCpuShare: (cpu.user + cpu.system) / 1000 / makespanMs,
      runtimeCpuPerSceneSeconds: runtimeSeconds / scenes,
      mediaToolsCpuPerSceneSeconds: mediaToolsSeconds / scenes,
      handlerWorkers,
    };
  } finally {
    if (everyProductionComplete) await rm(workDir, { recursive: true, force: true });
  }
}
