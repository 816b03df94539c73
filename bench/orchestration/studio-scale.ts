import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simulationFor, simulationLoad, withSimulatedProviders } from '../simulated-providers/simulated-providers.js';
import { SIMULATED_STAGES, type SimulatedStage } from '../simulated-providers/simulation-plan.js';
import { produce } from '../../local/produce.js';
import { orchestrationBound, utilisation, type OrchestrationBound, type ProviderLoad } from './orchestration-bound.js';
import { runSequentially, type SequentialRun } from './sequential-baseline.js';
import { studioManifest, type StudioManifestShape } from './studio-manifest.js';

/** The source's latency table, ms per call. */
export const SOURCE_LATENCY_MS: Record<SimulatedStage, number> = { script: 800, image: 1200, speech: 600, video: 4500 };
/** Provider concurrency limits, as a studio's provider quotas would set them. */
export const PROVIDER_CONCURRENCY: Record<SimulatedStage, number> = { script: 50, image: 20, speech: 20, video: 10 };

export interface StudioScaleOptions {
  shape: StudioManifestShape;
  timeScale: number;
  sceneMaxConcurrency: number;
  episodeMaxConcurrency: number;
  /** Scenes the one-after-another baseline really runs; its time is scaled up to the whole workload. */
  baselineSampleScenes: number;
  /** The batch script's rate limiter, requests a second before the time scale. */
  baselineRequestsPerSecond: number;
}

export interface StudioScaleResult {
  scenes: number;
  timeScale: number;
  ok: boolean;
  /** Why the production did not complete, when it did not. */
  reason?: string;
  /** `episode/scene: reason` for every scene that did not complete. */
  failedScenes: string[];
  makespanMs: number;
  bound: OrchestrationBound;
  makespanOverBound: number;
  providers: Record<SimulatedStage, ProviderLoad & { utilisation: number; waitMs: number }>;
  stageMilliseconds: Record<string, number>;
  sequential: SequentialRun & { sampleScenes: number; projectedMs: number };
  pipelineSpeedup: number;
}

export async function measureStudioScale(options: StudioScaleOptions): Promise<StudioScaleResult> {
  const plan = { timeScale: options.timeScale, latencyMs: SOURCE_LATENCY_MS, concurrency: PROVIDER_CONCURRENCY };
  const planText = JSON.stringify(plan);
  const simulation = simulationFor(planText);
  const scenes = options.shape.episodes * options.shape.scenesPerEpisode;
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-bench-studio-'));
  try {
    const manifestPath = path.join(workDir, 'studio-scale.json');
    // Pretty-printed: produce reads the production id from its own line to find the deliverables.
    await writeFile(manifestPath, JSON.stringify(studioManifest(options.shape), null, 2));
    let first = Infinity;
    let last = 0;
    for (const stage of SIMULATED_STAGES) simulation.slots[stage].reset();
    const result = await produce({
      manifestPath,
      outDir: path.join(workDir, 'out'),
      dataDir: path.join(workDir, 'data'),
      decorateProviders: (providers) => withSimulatedProviders(providers, simulation),
      settings: {
        sceneMaxConcurrency: options.sceneMaxConcurrency,
        episodeMaxConcurrency: options.episodeMaxConcurrency,
        videoWorkerMaxConcurrency: PROVIDER_CONCURRENCY.video,
      },
      onExecutionEvent: (event) => {
        first = Math.min(first, event.timestamp);
        last = Math.max(last, event.timestamp);
      },
    });
    const makespanMs = last - first;
    const load = simulationLoad(simulation);
    const providers = Object.fromEntries(
      SIMULATED_STAGES.map((stage) => {
        const provider: ProviderLoad = { calls: load[stage].calls, latencyMs: SOURCE_LATENCY_MS[stage], concurrency: PROVIDER_CONCURRENCY[stage], busyMs: load[stage].busyMs };
        return [stage, { ...provider, utilisation: utilisation(provider, makespanMs), waitMs: load[stage].waitMs }];
      }),
    ) as StudioScaleResult['providers'];
    const bound = orchestrationBound(providers, scenes, options.timeScale);

    const callsPerScene = Object.fromEntries(SIMULATED_STAGES.map((stage) => [stage, providers[stage].calls / scenes])) as Record<SimulatedStage, number>;
    const sample = await runSequentially({
      scenes: options.baselineSampleScenes,
      callsPerScene,
      latencyMs: Object.fromEntries(SIMULATED_STAGES.map((stage) => [stage, SOURCE_LATENCY_MS[stage] * options.timeScale])) as Record<SimulatedStage, number>,
      requestsPerSecond: options.baselineRequestsPerSecond / options.timeScale,
    });
    const projectedMs = (sample.wallMs / options.baselineSampleScenes) * scenes;
    return {
      scenes,
      timeScale: options.timeScale,
      ok: result.ok,
      reason: result.reason,
      failedScenes: (result.report?.episodes ?? []).flatMap((episode) =>
        episode.scenes.filter((scene) => scene.status !== 'COMPLETE').map((scene) => `${episode.id}/${scene.id}: ${scene.reason ?? scene.status}`),
      ),
      makespanMs,
      bound,
      makespanOverBound: makespanMs / bound.boundMs,
      providers,
      stageMilliseconds: result.stageMilliseconds,
      sequential: { ...sample, sampleScenes: options.baselineSampleScenes, projectedMs },
      pipelineSpeedup: projectedMs / makespanMs,
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
