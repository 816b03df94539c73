import { assetKeys } from '../../core/contracts/keys.js';
import type { RenderedImage } from '../../core/contracts/ports.js';
import { DEFAULT_CONSISTENCY_THRESHOLD } from '../../core/contracts/ports.js';
import type * as z from '../../core/contracts/zod-mini.js';
import { seedFrom, sha256 } from '../../core/domain/content-hash.js';
import type { KeyframeAttempt } from '../../core/domain/production-model.js';
import { estimateUsd } from '../../core/pricing/estimates.js';
import { WORST_CASE_USAGE } from '../../core/pricing/worst-case-usage.js';
import { getRenderedImage, imageCodec, putRenderedImage, scoreCodec } from '../../pipeline/codecs.js';
import { paidCall } from '../../pipeline/paid-call.js';
import type { SceneEventSchema } from '../../pipeline/scene-context.js';
import { beginSceneStage } from '../../pipeline/scene-stage.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';

/** The provider ports this stage uses: its handler declares them with their offline models. */
export type RenderKeyframesPorts = 'image' | 'consistency';

/** The weakest character decides whether a frame passes. */
function weakest(scores: Record<string, number>): number {
  const values = Object.values(scores);
  return values.length === 0 ? 1 : Math.min(...values);
}

/**
 * Draws the scene's keyframe, scores each character's crop against its reference
 * sheet, and regenerates with a new seed while any character scores below the
 * threshold, up to the attempt limit. Every attempt's scores are recorded. When no
 * attempt passes, the best one is kept so the animatic still has a frame; the
 * scene's recorded scores show that it fell short.
 */
export async function renderKeyframes(
  event: z.output<typeof SceneEventSchema>,
  deps: StageDeps<RenderKeyframesPorts>,
): Promise<void> {
  const context = await beginSceneStage(deps, event, 'KEYFRAMES');
  const { manifest } = context;
  const { image, consistency } = await deps.providers(manifest);
  const threshold =
    deps.settings.consistencyThreshold ?? consistency.port.defaultThreshold ?? DEFAULT_CONSISTENCY_THRESHOLD;

  const references: Record<string, RenderedImage> = {};
  for (const character of context.brief.characters) {
    references[character.id] = await getRenderedImage(
      deps.assets,
      assetKeys.referenceSheet(manifest.production, character.id),
    );
  }
  const referencePngs = Object.fromEntries(Object.entries(references).map(([id, sheet]) => [id, sheet.png]));
  const referenceHashes = Object.fromEntries(Object.entries(references).map(([id, sheet]) => [id, sha256(sheet.png)]));

  const attempts: KeyframeAttempt[] = [];
  let best: { keyframe: RenderedImage; attempt: KeyframeAttempt } | undefined;
  for (let attempt = 1; attempt <= deps.settings.keyframeMaxAttempts; attempt++) {
    const seed = seedFrom(context.seed, 'keyframe', attempt);
    const request = {
      scene: context.brief,
      width: manifest.format.width,
      height: manifest.format.height,
      seed,
      references: referencePngs,
    };
    const { result: keyframe } = await paidCall(deps, {
      productionId: manifest.production,
      priority: manifest.priority,
      stage: 'keyframe',
      scene: event,
      provider: image.provider,
      model: image.model,
      inputs: { ...request, references: referenceHashes },
      estimateUsd: estimateUsd(image, WORST_CASE_USAGE.image),
      codec: imageCodec,
      call: (options) => image.port.drawKeyframe(request, options),
    });

    const scores: Record<string, number> = {};
    const repairs: NonNullable<KeyframeAttempt['repairs']> = [];
    for (const character of context.brief.characters) {
      const reference = references[character.id]!;
      const { result } = await paidCall(deps, {
        productionId: manifest.production,
        priority: manifest.priority,
        stage: 'consistency',
        scene: event,
        provider: consistency.provider,
        model: consistency.model,
        inputs: { keyframe: sha256(keyframe.png), reference: referenceHashes[character.id], characterId: character.id },
        estimateUsd: estimateUsd(consistency, WORST_CASE_USAGE.consistency),
        codec: scoreCodec,
        call: (options) => consistency.port.score({ keyframe, reference, characterId: character.id }, options),
      });
      scores[character.id] = Math.round(result.score * 10_000) / 10_000;
      repairs.push(...(result.repairs ?? []).map((repair) => ({ ...repair, characterId: character.id })));
    }
    const record: KeyframeAttempt = {
      attempt,
      seed,
      scores,
      accepted: weakest(scores) >= threshold,
      ...(repairs.length > 0 && { repairs }),
    };
    attempts.push(record);
    deps.logger.info('keyframe attempt', { scene: event, ...record, threshold });
    if (!best || weakest(scores) > weakest(best.attempt.scores)) best = { keyframe, attempt: record };
    if (record.accepted) break;
  }

  const chosen = best!;
  await putRenderedImage(deps.assets, assetKeys.keyframe(event), chosen.keyframe);
  await deps.productions.updateScene(event, {
    keyframeAttempts: attempts,
    keyframeSeed: chosen.attempt.seed,
    consistency: chosen.attempt.scores,
    consistencyThreshold: threshold,
    attempts: attempts.length,
    assets: { keyframe: `${assetKeys.keyframe(event)}.png` },
  });
}
