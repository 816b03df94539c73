import { DramaforgeError } from '../core/contracts/errors.js';
import type { FailureCause } from '../core/contracts/failure-cause.js';
import type { StageDeps } from './stage-deps.js';

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * Keeps why a stage failed where the report reads it: on the scene's row for a scene's stage, on the
 * production's for its own stages (a reference sheet, an episode's development), named by what the
 * call was for. The error still goes to the state machine under its own name, for its Retry and Catch.
 */
export async function recordFailureCause(deps: StageDeps, event: unknown, error: unknown): Promise<void> {
  if (!(error instanceof DramaforgeError) || !error.failureCause) return;
  const cause: FailureCause = error.failureCause;
  const ids = (event ?? {}) as Record<string, unknown>;
  const [productionId, episodeId, sceneId, characterId] = [
    text(ids.productionId),
    text(ids.episodeId),
    text(ids.sceneId),
    text(ids.characterId),
  ];
  if (!productionId) return;
  const subject =
    cause.subject ??
    (episodeId && sceneId
      ? `${episodeId}/${sceneId}`
      : characterId
        ? `character ${characterId}`
        : episodeId && `episode ${episodeId}`);
  const located = { ...cause, ...(subject && { subject }) };
  try {
    if (episodeId && sceneId)
      await deps.productions.updateScene({ productionId, episodeId, sceneId }, { failureCause: located });
    else await deps.productions.recordProductionCause(productionId, located);
  } catch (recordError) {
    // The failure itself must still reach the state machine; only its explanation is lost.
    deps.logger.warn('the cause of a failure could not be recorded', { cause: located, error: recordError });
  }
}
