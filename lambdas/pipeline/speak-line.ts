import type { Bound } from '../core/contracts/bound-providers.js';
import { ProviderOutputInvalid } from '../core/contracts/errors.js';
import type { SceneRef } from '../core/contracts/keys.js';
import type { Metered, SpeechModel, SpeechRequest, SpeechResult } from '../core/contracts/ports.js';
import type { Manifest } from '../core/manifest/schema.js';
import { estimateUsd } from '../core/pricing/estimates.js';
import { chargesOf } from '../core/pricing/pricing.js';
import { worstCaseSpeechUsage } from '../core/pricing/worst-case-usage.js';
import { speechCodec } from './codecs.js';
import { type PaidCallOutcome, paidCall } from './paid-call.js';
import type { StageDeps } from './stage-deps.js';

/** No voice says a line faster than this, in any language: a clip shorter is not the line. */
const MAX_CHARACTERS_PER_SECOND = 40;
/** The shortest clip a spoken line can be, a one-syllable exclamation included. */
const MIN_LINE_SECONDS = 0.2;

/**
 * One line in its character's voice, as a paid call: the master's voice stage and a dub's
 * both speak through here. `inputs` keys the call (the request, and what else makes it new).
 */
export function speakLine(
  deps: StageDeps,
  call: {
    manifest: Manifest;
    /** Absent for a line no scene owns: a character's reference voice. */
    scene?: SceneRef;
    speech: Bound<SpeechModel>;
    request: SpeechRequest;
    inputs: unknown;
    stage?: 'speech' | 'reference-voice';
  },
): Promise<PaidCallOutcome<SpeechResult>> {
  const { manifest, speech, request } = call;
  return paidCall(deps, {
    productionId: manifest.production,
    priority: manifest.priority,
    stage: call.stage ?? 'speech',
    scene: call.scene,
    provider: speech.provider,
    model: speech.model,
    inputs: call.inputs,
    estimateUsd: estimateUsd(speech, worstCaseSpeechUsage(request.text.length)),
    codec: speechCodec,
    call: async (options) => audible(await speech.port.speak(request, options), request.text),
  });
}

/**
 * A speech answer too short to hold its line is broken media, whatever the provider billed for it:
 * refused as ProviderOutputInvalid (the charge kept) rather than voiced as a cue that lasts no time.
 */
function audible(metered: Metered<SpeechResult>, text: string): Metered<SpeechResult> {
  const shortest = Math.max(MIN_LINE_SECONDS, Array.from(text).length / MAX_CHARACTERS_PER_SECOND);
  const seconds = metered.result.durationSeconds;
  if (!(seconds >= shortest)) {
    throw new ProviderOutputInvalid(
      `${metered.provider}/${metered.model} spoke "${text}" in ${seconds.toFixed(3)} s, shorter than the ${shortest.toFixed(2)} s any voice needs for it`,
      chargesOf(metered),
    );
  }
  return metered;
}
