import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MANIFEST_LIMITS } from '../lambdas/core/manifest/limits.js';
import {
  HISTORY_HEADROOM,
  largestEpisodeHeld,
  STEP_FUNCTIONS_QUOTAS,
  worstCaseEpisodeEvents,
  worstCaseProductionEvents,
} from '../lambdas/core/workflow/execution-limits.js';
import { produce } from '../local/commands/produce.js';
import { type StudioManifestShape, studioManifest } from './orchestration/studio-manifest.js';
import { simulationFor, withSimulatedProviders } from './simulated-providers/simulated-providers.js';

export interface MeasuredRun {
  shape: StudioManifestShape;
  productionEvents: number;
  episodeEvents: number[];
}

export interface ExecutionQuotasResult {
  runs: MeasuredRun[];
  /** From the runs: what one more scene adds to an episode's history, and an episode's own events. */
  eventsPerScene: number;
  eventsPerEpisode: number;
  /** What one more episode adds to the production's history. */
  productionEventsPerEpisode: number;
  /** The worst cases the validator assumes, every Task exhausting its retries. */
  worstCaseEventsPerScene: number;
  worstCaseLargestEpisode: number;
  worstCaseLargestProduction: number;
  /** Scenes an episode may hold with the 2x headroom on its worst case, and the schema's own cap. */
  largestEpisodeHeld: number;
  /** Scenes of the largest production every execution of which stays within half the quota, worst case. */
  largestProductionHeld: number;
}

/** Providers answer at once here: the figures are history events, which latency does not change. */
const INSTANT_PROVIDERS = JSON.stringify({
  timeScale: 0.001,
  latencyMs: { script: 1, image: 1, speech: 1, video: 1 },
  concurrency: { script: 50, image: 20, speech: 20, video: 10 },
});

async function measure(shape: StudioManifestShape): Promise<MeasuredRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-bench-quotas-'));
  try {
    const manifestPath = path.join(dir, 'quotas.json');
    await writeFile(
      manifestPath,
      JSON.stringify(
        studioManifest({ name: `quotas-${shape.episodes}x${shape.scenesPerEpisode}`, priority: 5, shape }),
        null,
        2,
      ),
    );
    const simulation = simulationFor(INSTANT_PROVIDERS);
    const result = await produce({
      manifestPath,
      outDir: path.join(dir, 'out'),
      dataDir: path.join(dir, 'data'),
      decorateProviders: (providers) => withSimulatedProviders(providers, simulation),
      settings: { sceneMaxConcurrency: 8, episodeMaxConcurrency: 2, videoWorkerMaxConcurrency: 10 },
    });
    const executions = result.report?.executions ?? [];
    if (!result.ok || executions.length !== shape.episodes + 1)
      throw new Error(`the quotas run of ${JSON.stringify(shape)} did not complete: ${result.reason}`);
    return {
      shape,
      productionEvents: executions.find((execution) => execution.kind === 'production')!.events,
      episodeEvents: executions
        .filter((execution) => execution.kind === 'episode')
        .map((execution) => execution.events),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Events per scene, per episode and per production from real local runs (the local runner
 * counts them as Step Functions does), set beside the worst case validation assumes.
 */
export async function measureExecutionQuotas(): Promise<ExecutionQuotasResult> {
  const small = await measure({ episodes: 1, scenesPerEpisode: 1, characters: 2 });
  const wide = await measure({ episodes: 1, scenesPerEpisode: 5, characters: 2 });
  const two = await measure({ episodes: 2, scenesPerEpisode: 1, characters: 2 });
  const eventsPerScene = (wide.episodeEvents[0]! - small.episodeEvents[0]!) / 4;
  const held = Math.min(largestEpisodeHeld(), MANIFEST_LIMITS.scenesPerEpisode);
  const productionFits =
    worstCaseProductionEvents(MANIFEST_LIMITS.episodes, MANIFEST_LIMITS.characters) * HISTORY_HEADROOM <=
    STEP_FUNCTIONS_QUOTAS.historyEvents;
  return {
    runs: [small, wide, two],
    eventsPerScene,
    eventsPerEpisode: small.episodeEvents[0]! - eventsPerScene,
    productionEventsPerEpisode: two.productionEvents - small.productionEvents,
    worstCaseEventsPerScene: worstCaseEpisodeEvents(1) - worstCaseEpisodeEvents(0),
    worstCaseLargestEpisode: worstCaseEpisodeEvents(MANIFEST_LIMITS.scenesPerEpisode),
    worstCaseLargestProduction: worstCaseProductionEvents(MANIFEST_LIMITS.episodes, MANIFEST_LIMITS.characters),
    largestEpisodeHeld: held,
    largestProductionHeld: productionFits ? MANIFEST_LIMITS.episodes * held : 0,
  };
}
