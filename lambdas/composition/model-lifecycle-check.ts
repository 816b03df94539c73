import type { ManifestProblem } from '../core/contracts/errors.js';
import type { Manifest } from '../core/manifest/schema.js';
import { isoDay, type LifecycleState, lifecycleOf, lifecycleStateOn } from '../core/pricing/model-lifecycle.js';
import { MODEL_ROLES, type ModelRole, roleRoute, transcriptionRung } from './provider-config.js';

/**
 * The lifecycle of every model a manifest is routed to, on a given day: `validate`, `estimate`
 * and the Validate manifest stage refuse a route to a model past its end of life, and
 * `estimate` warns about a Legacy one. Pure: the day is passed in, so tests set it.
 */

export interface RoutedModelLifecycle {
  role: ModelRole | 'subtitle-timing';
  provider: string;
  model: string;
  state: LifecycleState;
  endOfLife?: string;
  successor?: string;
}

/** Each model a manifest's routes use (every rung, failover included), once per role, with its state on `today`. */
export function routedModelLifecycles(
  settings: Manifest['providers'],
  env: NodeJS.ProcessEnv,
  today: Date,
): RoutedModelLifecycle[] {
  const transcription = transcriptionRung(settings, env);
  const rungs = [
    ...MODEL_ROLES.flatMap((role) =>
      roleRoute(settings, role, env)
        .flat()
        .map((rung) => ({ role: role as RoutedModelLifecycle['role'], ...rung })),
    ),
    ...(transcription ? [{ role: 'subtitle-timing' as const, ...transcription }] : []),
  ];
  const seen = new Set<string>();
  return rungs.flatMap(({ role, provider, model }) => {
    const key = `${role}/${provider}/${model}`;
    const entry = lifecycleOf(provider, model);
    if (seen.has(key) || !entry) return [];
    seen.add(key);
    return [
      {
        role,
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
      path: finding.role,
      reason: `${finding.model} reached end of life on ${finding.endOfLife}${instead(finding)}`,
    }));
}

/** One line per Legacy model on the route, naming its end-of-life date where one is published. */
export function legacyWarnings(settings: Manifest['providers'], env: NodeJS.ProcessEnv, today: Date): string[] {
  return routedModelLifecycles(settings, env, today)
    .filter((finding) => finding.state === 'Legacy')
    .map(
      (finding) =>
        `warning: ${finding.role}: ${finding.model} is Legacy${finding.endOfLife ? ` and reaches end of life on ${finding.endOfLife} (${daysUntil(finding.endOfLife, today)} days)` : ''}${instead(finding)}`,
    );
}

function daysUntil(day: string, today: Date): number {
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${isoDay(today)}T00:00:00Z`)) / 86_400_000);
}
