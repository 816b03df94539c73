import type { SceneRef } from '../core/contracts/keys.js';
import type { SceneStep } from '../core/domain/production-model.js';
import { type SceneContext, sceneContext } from './scene-context.js';
import type { StageDeps } from './stage-deps.js';

/** Every stage that works on a scene starts the same way: find the scene in its manifest, mark its step, learn its render generation. */
export async function beginSceneStage(deps: StageDeps, ref: SceneRef, step: SceneStep): Promise<SceneContext> {
  const manifest = await deps.loadManifest(ref.productionId);
  sceneContext(manifest, ref);
  const record = await deps.productions.updateScene(ref, { status: step });
  return sceneContext(manifest, ref, record?.renderGeneration ?? 0);
}
