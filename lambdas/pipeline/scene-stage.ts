import type { SceneRef } from '../core/contracts/keys.js';
import type { SceneStage } from '../core/domain/production-model.js';
import { type SceneContext, sceneContext } from './scene-context.js';
import type { StageDeps } from './stage-deps.js';

/** Every scene stage starts the same way: find the scene in its manifest, mark the stage, learn its render generation. */
export async function beginSceneStage(deps: StageDeps, ref: SceneRef, stage: SceneStage): Promise<SceneContext> {
  const manifest = await deps.loadManifest(ref.productionId);
  sceneContext(manifest, ref);
  const record = await deps.productions.updateScene(ref, { status: stage });
  return sceneContext(manifest, ref, record?.renderGeneration ?? 0);
}
