import type { Usage } from './ports.js';
import { priceOverrides } from './price-overrides.js';

/**
 * Price table, versioned. Dollars per unit of the usage a provider reports.
 * Only the offline profile exists in this version, and it costs nothing: its
 * calls still go through the ledger at $0 so every path is exercised.
 */
export const PRICE_TABLE_VERSION = '2026-11-22';

export interface ModelPrice {
  perInputToken?: number;
  perOutputToken?: number;
  perImage?: number;
  perVideoSecond?: number;
  perSpeechCharacter?: number;
}

const PRICES: Record<string, ModelPrice> = {
  'offline/phrasebook-v1': {},
  'offline/storyboard-v1': {},
  'offline/pixel-similarity-v1': {},
  'offline/espeak-ng': {},
  'offline/camera-motion-v1': {},
};

export function priceFor(provider: string, model: string): ModelPrice {
  const price = priceOverrides()[`${provider}/${model}`] ?? PRICES[`${provider}/${model}`];
  if (!price) throw new Error(`no price for ${provider}/${model} in price table ${PRICE_TABLE_VERSION}`);
  return price;
}

export function costUsd(provider: string, model: string, usage: Usage): number {
  const price = priceFor(provider, model);
  return (
    (usage.inputTokens ?? 0) * (price.perInputToken ?? 0) +
    (usage.outputTokens ?? 0) * (price.perOutputToken ?? 0) +
    (usage.images ?? 0) * (price.perImage ?? 0) +
    (usage.videoSeconds ?? 0) * (price.perVideoSecond ?? 0) +
    (usage.speechCharacters ?? 0) * (price.perSpeechCharacter ?? 0)
  );
}
