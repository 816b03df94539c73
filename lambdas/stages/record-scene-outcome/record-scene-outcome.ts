import * as z from '../../core/contracts/zod-mini.js';
import { SCENE_STEPS, type SceneStep } from '../../core/domain/production-model.js';
import { SceneEventSchema } from '../../pipeline/scene-context.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';

export const SceneOutcomeEventSchema = z.extend(SceneEventSchema, {
  outcome: z.enum(['COMPLETE', 'FAILED', 'BUDGET_EXCEEDED']),
  /** The state machine's Catch output. */
  error: z.optional(z.object({ Error: z.string(), Cause: z.optional(z.string()) })),
});

/** The last word on a scene: COMPLETE, or where and why it stopped. */
export async function recordSceneOutcome(event: z.output<typeof SceneOutcomeEventSchema>, deps: StageDeps) {
  const ref = { productionId: event.productionId, episodeId: event.episodeId, sceneId: event.sceneId };
  if (event.outcome === 'COMPLETE') {
    await deps.productions.updateScene(ref, { status: 'COMPLETE' });
    return { sceneId: event.sceneId, status: event.outcome };
  }
  const scene = await deps.productions.getScene(event.productionId, event.episodeId, event.sceneId);
  const stoppedAt = (SCENE_STEPS as readonly string[]).includes(scene.status) ? (scene.status as SceneStep) : undefined;
  const failure = { error: event.error?.Error ?? event.outcome, cause: causeMessage(event.error?.Cause) };
  deps.logger.warn('scene stopped', { scene: ref, outcome: event.outcome, stoppedAt, failure });
  await deps.productions.updateScene(ref, { status: event.outcome, failedStage: stoppedAt, failure });
  return { sceneId: event.sceneId, status: event.outcome };
}

/** A Lambda error's Cause is a JSON document; a producer wants its message. */
function causeMessage(cause: string | undefined): string {
  if (!cause) return '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string };
    return parsed.errorMessage ?? cause;
  } catch {
    return cause;
  }
}
