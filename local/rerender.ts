import { assetKeys } from '../lambdas/core/keys.js';
import type { Manifest } from '../lambdas/core/manifest/schema.js';
import { withLocalRuntime, type RunOptions, type RunResult } from './production-run.js';

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
  return withLocalRuntime({ command: 'dramaforge rerender', ...options }, async ({ runtime, assets, productions, follow }) => {
    const meta = await productions.findProduction(options.productionId);
    if (!meta) throw new RerenderRefused(`there is no production "${options.productionId}" in ${options.dataDir}; produce it first`);
    const manifest = await assets.getJson<Manifest>(assetKeys.normalizedManifest(options.productionId));
    const episode = manifest.episodes.find((e) => e.id === options.episodeId);
    if (!episode?.scenes.some((s) => s.id === options.sceneId)) {
      throw new RerenderRefused(`production "${options.productionId}" has no scene ${options.episodeId}/${options.sceneId}`);
    }
    const ref = { productionId: options.productionId, episodeId: options.episodeId, sceneId: options.sceneId };
    const generation = await productions.bumpRenderGeneration(ref);
    const name = `${meta.executionName.slice(0, 48)}-rerender-${options.episodeId}-${options.sceneId}-${generation}`.slice(0, 80);
    await runtime.startNamedExecution(name, meta.manifestKey);
    return follow({ name, manifestKey: meta.manifestKey, productionId: options.productionId });
  });
}
