import { assetKeys } from '../../lambdas/core/contracts/keys.js';
import type { Manifest } from '../../lambdas/core/manifest/schema.js';
import type { RunResult } from '../client/production-client.js';
import { type RunOptions, type RunSession, withLocalRuntime } from './local-session.js';

export interface RerenderOptions extends RunOptions {
  productionId: string;
  episodeId: string;
  sceneId: string;
}

export class RerenderRefused extends Error {
  override name = 'RerenderRefused';
}

/**
 * `dramaforge rerender <production> <episode>/<scene>`: raises the scene's render
 * generation, so every call it makes is seeded anew and nothing of it is reused, and
 * starts a new execution of the production's manifest. The other scenes come from
 * the cache; only the scene's episode is assembled again.
 */
export async function rerender(options: RerenderOptions): Promise<RunResult> {
  return withLocalRuntime({ command: 'dramaforge rerender', ...options }, async (session) => {
    const { name, manifestKey } = await startRerender(session, options, options.dataDir);
    return session.client.follow({ name, manifestKey, productionId: options.productionId });
  });
}

/**
 * Raises the scene's render generation and starts the production's manifest again under a new
 * name: what `rerender` and the studio's console do. Refused with RerenderRefused for a production
 * or scene the data directory does not have.
 */
export async function startRerender(
  { runtime, assets, productions }: Pick<RunSession, 'runtime' | 'assets' | 'productions'>,
  ref: { productionId: string; episodeId: string; sceneId: string },
  where = 'the studio',
): Promise<{ name: string; manifestKey: string }> {
  const meta = await productions.findProduction(ref.productionId);
  if (!meta) throw new RerenderRefused(`there is no production "${ref.productionId}" in ${where}; produce it first`);
  const manifest = await assets.getJson<Manifest>(assetKeys.normalizedManifest(ref.productionId));
  const episode = manifest.episodes.find((e) => e.id === ref.episodeId);
  if (!episode?.scenes.some((s) => s.id === ref.sceneId)) {
    throw new RerenderRefused(`production "${ref.productionId}" has no scene ${ref.episodeId}/${ref.sceneId}`);
  }
  const generation = await productions.bumpRenderGeneration(ref);
  const name = `${meta.executionName.slice(0, 48)}-rerender-${ref.episodeId}-${ref.sceneId}-${generation}`.slice(0, 80);
  await runtime.startNamedExecution(name, meta.manifestKey);
  return { name, manifestKey: meta.manifestKey };
}
