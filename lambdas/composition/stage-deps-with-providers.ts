import { processEnvironment } from '../core/contracts/environment.js';
import type { StageDeps } from '../pipeline/stage-deps.js';
import { providersFor } from './provider-registry.js';
import { type StageCompositionOptions, stageDepsFromEnv } from './stage-deps-from-env.js';

/** A stage's dependencies with its manifests' providers bound: the handlers of the stages that call providers. */
export function stageDepsWithProviders(
  env: Record<string, string | undefined> = processEnvironment(),
  options: StageCompositionOptions = {},
): StageDeps {
  return stageDepsFromEnv(env, { bindProviders: providersFor, ...options });
}
