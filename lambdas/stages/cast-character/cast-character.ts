import type { BoundPorts } from '../../core/contracts/bound-providers.js';
import { assetKeys } from '../../core/contracts/keys.js';
import * as z from '../../core/contracts/zod-mini.js';
import { seedFrom } from '../../core/domain/content-hash.js';
import { characterVoiceMode, REFERENCE_VOICE_CHARACTERS } from '../../core/domain/native-voice.js';
import type { Manifest, ManifestCharacter } from '../../core/manifest/schema.js';
import { estimateUsd } from '../../core/pricing/estimates.js';
import { dialogueOf } from '../../core/pricing/pricing.js';
import { WORST_CASE_USAGE } from '../../core/pricing/worst-case-usage.js';
import { imageCodec, putRenderedImage } from '../../pipeline/codecs.js';
import { paidCall } from '../../pipeline/paid-call.js';
import { characterBrief, findCharacter } from '../../pipeline/scene-context.js';
import { speakLine } from '../../pipeline/speak-line.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';

/** The provider ports this stage uses: its handler declares them with their offline models. */
export type CastCharacterPorts = 'image' | 'video' | 'speech';

export const CastCharacterEventSchema = z.object({
  productionId: z.string().check(z.regex(/^[a-z0-9-]{3,63}$/)),
  characterId: z.string().check(z.regex(/^[a-z0-9-]{1,63}$/)),
});

/**
 * The reference sheet every keyframe of this character is scored against; and, for a character voiced
 * natively by a video model that takes a reference voice, that voice, said once by the speech model.
 */
export async function castCharacter(
  event: z.output<typeof CastCharacterEventSchema>,
  deps: StageDeps<CastCharacterPorts>,
) {
  const manifest = await deps.loadManifest(event.productionId);
  const cast = findCharacter(manifest, event.characterId);
  const character = characterBrief(cast);
  const providers = await deps.providers(manifest);
  const { image } = providers;
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
  await castReferenceVoice(deps, manifest, cast, providers);
}

/**
 * The character's reference voice, kept beside its reference sheet: its first line in the manifest (else its
 * description, in the manifest's language too), said once by the speech model. Only a natively voiced
 * character whose video model takes a reference voice needs one; for any other this buys nothing.
 */
async function castReferenceVoice(
  deps: StageDeps,
  manifest: Manifest,
  character: ManifestCharacter,
  providers: BoundPorts<CastCharacterPorts>,
): Promise<void> {
  const { video, speech } = providers;
  if (characterVoiceMode(manifest, character) !== 'native') return;
  if (dialogueOf(video.provider, video.model) !== 'reference-voice') return;
  const firstLine = manifest.episodes
    .flatMap((episode) => episode.scenes.flatMap((scene) => scene.dialogue ?? []))
    .find((line) => line.character === character.id)?.line;
  const request = {
    text: Array.from(firstLine ?? character.description)
      .slice(0, REFERENCE_VOICE_CHARACTERS)
      .join(''),
    language: manifest.language,
    characterId: character.id,
    voice: character.voice ?? {},
  };
  const { result } = await speakLine(deps, { manifest, speech, request, inputs: request, stage: 'reference-voice' });
  await deps.assets.putBytes(assetKeys.referenceVoice(manifest.production, character.id), result.wav, 'audio/wav');
}
