import type { Charge, Metered, Usage } from '../contracts/ports.js';
import { foundationModelOf } from './model-lifecycle.js';
import type { ModelPrice, VideoDialogue } from './model-price.js';
import { priceOverrides } from './price-overrides.js';

/**
 * The price table, versioned: dollars per unit of the usage a provider reports.
 * A ledger row's cost is always usage x these prices; an estimate (worst-case
 * usage x these prices) is only ever used to reserve budget.
 *
 * Every figure names its source and the date of the published list it was taken
 * from. Prices change: bump PRICE_TABLE_VERSION with any edit, and re-check the
 * sources before a large run. Bedrock prices are for us-east-1 on-demand.
 */
export const PRICE_TABLE_VERSION = '2026-12-06.2';

export type { ModelPrice, VideoDialogue };

const PER_MILLION = 1 / 1_000_000;

const PRICES: Record<string, ModelPrice> = {
  'offline/phrasebook-v1': {},
  'offline/storyboard-v1': {},
  'offline/pixel-similarity-v1': {},
  'offline/espeak-ng': {},
  'offline/camera-motion-v1': {},
  'offline/painted-mouths-v1': {},
  'offline/procedural-bed-v1': {},

  // https://api-docs.deepseek.com/quick_start/pricing, DeepSeek-V3.2 list of 2025-09-29
  // (input is the cache-miss price: a scene prompt is never a cache hit worth counting on).
  'openai-compatible/deepseek-chat': { perInputToken: 0.28 * PER_MILLION, perOutputToken: 0.42 * PER_MILLION },
  // https://openai.com/api/pricing, list of 2025-04-14 (GPT-4.1 family launch).
  'openai-compatible/gpt-4.1-mini': { perInputToken: 0.4 * PER_MILLION, perOutputToken: 1.6 * PER_MILLION },
  'openai-compatible/gpt-4.1': { perInputToken: 2 * PER_MILLION, perOutputToken: 8 * PER_MILLION },
  // https://openai.com/api/pricing, list of 2024-07-18.
  'openai-compatible/gpt-4o-mini': { perInputToken: 0.15 * PER_MILLION, perOutputToken: 0.6 * PER_MILLION },
  // https://platform.openai.com/docs/models/gpt-image-1, list of 2025-04-23: text in, image in, image out.
  'openai-compatible/gpt-image-1': {
    perInputToken: 5 * PER_MILLION,
    perInputImageToken: 10 * PER_MILLION,
    perOutputToken: 40 * PER_MILLION,
  },
  // https://openai.com/api/pricing, list of 2024-11 (TTS $15 per 1M characters).
  'openai-compatible/tts-1': { perSpeechCharacter: 15 * PER_MILLION },
  // https://openai.com/api/pricing, list of 2024-11 (Whisper $0.006 per minute, rounded to the nearest second).
  'openai-compatible/whisper-1': { perTranscribedAudioMinute: 0.006 },
  // https://platform.openai.com/docs/models/sora-2, list of 2025-10-06: $0.10 per second at 720p;
  // the API accepts 4, 8 or 12 seconds. Sora 2 renders speech and sound with the picture, the same price
  // with or without; `POST /v1/videos` takes a prompt and an input reference image, no audio, so the
  // voices are described in the prompt.
  'openai-compatible/sora-2': { perVideoSecond: 0.1, videoSecondsStep: 4, dialogue: 'in-prompt' },

  // sync.so lip-sync, per second of output video (https://sync.so/pricing; lipsync-2-pro $0.067/s at 25 fps as
  // sync.so's API examples quote it, lipsync-2 $0.05/s; not re-read from the live page on 2026-12-01, so re-check
  // before a large run). Gateways that resell these models are priced the same unless DRAMAFORGE_PRICE_OVERRIDES says otherwise.
  'openai-compatible/lipsync-2': { perLipSyncSecond: 0.05 },
  'openai-compatible/lipsync-2-pro': { perLipSyncSecond: 0.067 },
  'sync-so/lipsync-2': { perLipSyncSecond: 0.05 },
  'sync-so/lipsync-2-pro': { perLipSyncSecond: 0.067 },

  // https://aws.amazon.com/bedrock/pricing/, Amazon Nova list of 2024-12-03.
  'bedrock/amazon.nova-lite-v1:0': { perInputToken: 0.06 * PER_MILLION, perOutputToken: 0.24 * PER_MILLION },
  'bedrock/amazon.nova-pro-v1:0': { perInputToken: 0.8 * PER_MILLION, perOutputToken: 3.2 * PER_MILLION },
  // https://aws.amazon.com/bedrock/pricing/, Nova Premier list of 2025-04-30.
  'bedrock/amazon.nova-premier-v1:0': { perInputToken: 2.5 * PER_MILLION, perOutputToken: 12.5 * PER_MILLION },
  // https://aws.amazon.com/bedrock/pricing/, Nova Canvas list of 2024-12-03: standard quality, up to 1024x1024.
  'bedrock/amazon.nova-canvas-v1:0': { perImage: 0.04 },
  // https://aws.amazon.com/bedrock/pricing/, Nova Reel list of 2024-12-03: $0.08 per second, 720p 24 fps,
  // generated in 6-second shots.
  'bedrock/amazon.nova-reel-v1:1': { perVideoSecond: 0.08, videoSecondsStep: 6 },
  // https://aws.amazon.com/bedrock/pricing/, Titan Multimodal Embeddings G1 list of 2023-11-29.
  'bedrock/amazon.titan-embed-image-v1': { perImage: 0.00006, perInputToken: 0.0008 / 1000 },
  // The bedrock profile's defaults since 2026-12-06 follow. AWS's pricing page renders its prices client-side and
  // no copy read here on 2026-12-06 shows them, so these four are UNCONFIRMED_PRICES: re-check them on
  // https://aws.amazon.com/bedrock/pricing/ before a large run.

  // https://vercel.com/ai-gateway/models/nova-2-lite, read 2026-12-06: Nova 2 Lite served by bedrock at $0.33 / $2.75
  // per 1M tokens (OpenRouter lists $0.30 / $2.50).
  'bedrock/amazon.nova-2-lite-v1:0': { perInputToken: 0.33 * PER_MILLION, perOutputToken: 2.75 * PER_MILLION },
  // https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-luma-ai-ray2.html, read 2026-12-06: billed through
  // AWS Marketplace, no figure given. $1.50 per second at 720p is the figure this project had for Bedrock's pricing
  // page, not confirmed on 2026-12-06. Generated as 5 or 9 seconds.
  'bedrock/luma.ray-v2:0': { perVideoSecond: 1.5, videoDurations: [5, 9] },
  // https://aws.amazon.com/bedrock/pricing/, not readable on 2026-12-06: $0.04 per image is unconfirmed.
  'bedrock/stability.stable-image-core-v1:1': { perImage: 0.04 },
  // https://aws.amazon.com/bedrock/pricing/, not readable on 2026-12-06: Titan Multimodal Embeddings G1's per-image
  // price stands in for Nova Multimodal Embeddings until its own is read.
  'bedrock/amazon.nova-2-multimodal-embeddings-v1:0': { perImage: 0.00006 },
  // https://aws.amazon.com/polly/pricing/, list of 2024-11: neural voices $16 per 1M characters. Priced per
  // character requested, whatever the output: a speech marks request for a line bills its characters again.
  'bedrock/polly-neural': { perSpeechCharacter: 16 * PER_MILLION },
};

/** Entries whose figure no page read on the table's date confirmed: `estimate` marks their lines. */
const UNCONFIRMED_PRICES = new Set([
  'bedrock/amazon.nova-2-lite-v1:0',
  'bedrock/luma.ray-v2:0',
  'bedrock/stability.stable-image-core-v1:1',
  'bedrock/amazon.nova-2-multimodal-embeddings-v1:0',
]);

export function priceConfirmed(provider: string, model: string): boolean {
  return (
    !UNCONFIRMED_PRICES.has(`${provider}/${model}`) &&
    !UNCONFIRMED_PRICES.has(`${provider}/${foundationModelOf(model)}`)
  );
}

/** Every `provider/model` the table lists, for the tests that hold the lifecycle table to the same models. */
export function pricedModels(): string[] {
  return Object.keys(PRICES);
}

/** The table's entry, with any override's fields laid over it (an override of one rate keeps the others, e.g. a billing step). */
function findPrice(provider: string, model: string): ModelPrice | undefined {
  const listed =
    PRICES[`${provider}/${model}`] ??
    PRICES[`${provider}/${foundationModelOf(model)}`] /* an inference profile bills as the model it routes to */;
  const override = priceOverrides()[`${provider}/${model}`];
  return override ? { ...listed, ...override } : listed;
}

export function priceFor(provider: string, model: string): ModelPrice {
  const price = findPrice(provider, model);
  if (!price) throw new Error(`no price for ${provider}/${model} in price table ${PRICE_TABLE_VERSION}`);
  return price;
}

export function costUsd(provider: string, model: string, usage: Usage): number {
  const price = priceFor(provider, model);
  return (
    (usage.inputTokens ?? 0) * (price.perInputToken ?? 0) +
    (usage.inputImageTokens ?? 0) * (price.perInputImageToken ?? 0) +
    (usage.outputTokens ?? 0) * (price.perOutputToken ?? 0) +
    (usage.images ?? 0) * (price.perImage ?? 0) +
    (usage.videoSeconds ?? 0) * (price.perVideoSecond ?? 0) +
    (usage.speechCharacters ?? 0) * (price.perSpeechCharacter ?? 0) +
    ((usage.transcribedAudioSeconds ?? 0) / 60) * (price.perTranscribedAudioMinute ?? 0) +
    (usage.lipSyncSeconds ?? 0) * (price.perLipSyncSecond ?? 0) +
    (usage.musicSeconds ?? 0) * (price.perMusicSecond ?? 0)
  );
}

/** Every billed call behind a result: the one that produced it and any that came before. */
export function chargesOf(metered: Metered<unknown>): Charge[] {
  return [
    ...(metered.earlierCharges ?? []),
    { provider: metered.provider, model: metered.model, usage: metered.usage },
  ];
}

/** What a result cost: its own usage and that of every billed call that led to it. */
export function meteredCostUsd(metered: Metered<unknown>): number {
  return chargesOf(metered).reduce((sum, charge) => sum + costUsd(charge.provider, charge.model, charge.usage), 0);
}

/** How a video model renders a scene's dialogue, or undefined when it renders none (every model not marked in the table). */
export function dialogueOf(provider: string, model: string): VideoDialogue | undefined {
  return findPrice(provider, model)?.dialogue;
}

/** The seconds a provider bills for a clip of `seconds`: rounded up to its generation step. */
export function billedVideoSeconds(provider: string, model: string, seconds: number): number {
  const { videoSecondsStep: step, videoDurations: durations } = priceFor(provider, model);
  if (durations) return durations.find((length) => length >= seconds) ?? durations[durations.length - 1]!;
  return step ? Math.ceil(seconds / step) * step : seconds;
}
