import type { ManifestProblem } from '../core/contracts/errors.js';
import type { Manifest } from '../core/manifest/schema.js';
import { isoDay, type LifecycleState, lifecycleOf, lifecycleStateOn } from '../core/pricing/model-lifecycle.js';
import { type RoutedStage, stageRoute, transcriptionRung } from './provider-config.js';

/**
 * The lifecycle of every model a manifest is routed to, on a given day: `validate`, `estimate`
 * and the Validate manifest stage refuse a route to a model past its end of life, and
 * `estimate` warns about a Legacy one. Pure: the day is passed in, so tests set it.
 */

export interface RoutedModelLifecycle {
  stage: RoutedStage | 'subtitle-timing';
  provider: string;
  model: string;
  state: LifecycleState;
  endOfLife?: string;
  successor?: string;
}

const ROUTED_STAGES: readonly RoutedStage[] = ['script', 'image', 'consistency', 'speech', 'video'];

/** Each model a manifest's routes use (every rung, failover included), once per stage, with its state on `today`. */
export function routedModelLifecycles(
  settings: Manifest['providers'],
  env: NodeJS.ProcessEnv,
  today: Date,
): RoutedModelLifecycle[] {
  const transcription = transcriptionRung(settings, env);
  const rungs = [
    ...ROUTED_STAGES.flatMap((stage) =>
      stageRoute(settings, stage, env)
        .flat()
        .map((rung) => ({ stage: stage as RoutedModelLifecycle['stage'], ...rung })),
    ),
    ...(transcription ? [{ stage: 'subtitle-timing' as const, ...transcription }] : []),
  ];
  const seen = new Set<string>();
  return rungs.flatMap(({ stage, provider, model }) => {
    const key = `${stage}/${provider}/${model}`;
    const entry = lifecycleOf(provider, model);
    if (seen.has(key) || !entry) return [];
    seen.add(key);
    return [
      {
        stage,
        provider,
        model,
        state: lifecycleStateOn(entry, today),
        endOfLife: entry.endOfLife,
        successor: entry.successor,
      },
    ];
  });
}

const instead = (finding: RoutedModelLifecycle) => (finding.successor ? ` (use ${finding.successor})` : '');

/** One problem per route to a model past its end of life: `video: amazon.nova-reel-v1:1 reached end of life on 2026-09-30 (use luma.ray-v2:0)`. */
export function endOfLifeProblems(
  settings: Manifest['providers'],
  env: NodeJS.ProcessEnv,
  today: Date,
): ManifestProblem[] {
  return routedModelLifecycles(settings, env, today)
    .filter((finding) => finding.state === 'EOL')
    .map((finding) => ({
      path: finding.stage,
      reason: `${finding.model} reached end of life on ${finding.endOfLife}${instead(finding)}`,
    }));
}

/** One line per Legacy model on the route, naming its end-of-life date where one is published. */
export function legacyWarnings(settings: Manifest['providers'], env: NodeJS.ProcessEnv, today: Date): string[] {
  return routedModelLifecycles(settings, env, today)
    .filter((finding) => finding.state === 'Legacy')
    .map(
      (finding) =>
        `warning: ${finding.stage}: ${finding.model} is Legacy${finding.endOfLife ? ` and reaches end of life on ${finding.endOfLife} (${daysUntil(finding.endOfLife, today)} days)` : ''}${instead(finding)}`,
    );
}

function daysUntil(day: string, today: Date): number {
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${isoDay(today)}T00:00:00Z`)) / 86_400_000);
}
