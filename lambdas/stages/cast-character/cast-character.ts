import * as z from 'zod';
import { seedFrom } from '../../core/content-hash.js';
import { estimateUsd } from '../../core/estimates.js';
import { assetKeys } from '../../core/keys.js';
import { WORST_CASE_USAGE } from '../../core/worst-case-usage.js';
import { imageCodec, putRenderedImage } from '../../pipeline/codecs.js';
import { paidCall } from '../../pipeline/paid-call.js';
import { characterBrief, findCharacter } from '../../pipeline/scene-context.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';

export const CastCharacterEventSchema = z.object({
  productionId: z.string().regex(/^[a-z0-9-]{3,63}$/),
  characterId: z.string().regex(/^[a-z0-9-]{1,63}$/),
});

/** The reference sheet every keyframe of this character is scored against. */
export async function castCharacter(event: z.output<typeof CastCharacterEventSchema>, deps: StageDeps) {
  const manifest = await deps.loadManifest(event.productionId);
  const character = characterBrief(findCharacter(manifest, event.characterId));
  const { image } = await deps.providers(manifest);
  const request = { character, style: manifest.style, seed: seedFrom(manifest.seed, 'reference-sheet', character.id) };
  const { result } = await paidCall(deps, {
    productionId: manifest.production,
    priority: manifest.priority,
    stage: 'reference-sheet',
    provider: image.provider,
    model: image.model,
    inputs: request,
    estimateUsd: estimateUsd(image, WORST_CASE_USAGE.image),
    codec: imageCodec,
    call: (options) => image.port.drawReferenceSheet(request, options),
  });
  await putRenderedImage(deps.assets, assetKeys.referenceSheet(manifest.production, character.id), result);
}
