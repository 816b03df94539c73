import type { ProviderPort } from '../core/contracts/bound-providers.js';
import { processEnvironment } from '../core/contracts/environment.js';
import type { StageDeps } from '../pipeline/stage-deps.js';
import type { OfflinePorts } from './offline-ports/offline-port.js';
import { providersFor } from './provider-registry.js';
import { type StageCompositionOptions, stageDepsFromEnv } from './stage-deps-from-env.js';

/**
 * A stage's dependencies with its manifests' providers bound, for the ports it declares with their
 * offline models: the handlers of the stages that call providers. Its bundle carries those offline
 * models and no others.
 */
export function stageDepsWithProviders<Ports extends ProviderPort>(
  offlinePorts: OfflinePorts<Ports>,
  env: Record<string, string | undefined> = processEnvironment(),
  options: Omit<StageCompositionOptions<Ports>, 'bindProviders'> = {},
): StageDeps<Ports> {
  return stageDepsFromEnv(env, { bindProviders: providersFor(offlinePorts), ...options });
}
