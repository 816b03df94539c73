import type { Usage } from '../contracts/ports.js';

/**
 * The most one call of each stage can consume, whichever model serves it: what the
 * stages reserve (never what they charge). Token-priced image models are covered by
 * the token fields, image-priced ones by `images`.
 */
export const WORST_CASE_USAGE = {
  /** The outline and cast in, up to 40 lines of 500 characters out. */
  script: { inputTokens: 4_000, outputTokens: 8_000 },
  /** The bible, the story so far and the previous part's cards in; up to 12,000 tokens of cards out. */
  development: { inputTokens: 24_000, outputTokens: 12_000 },
  /** A scene's lines, the speaker and the budget in; one line of 500 characters out. */
  translation: { inputTokens: 6_000, outputTokens: 600 },
  /** The logline, genre, synopsis and scene outlines in (or the master's listing, translated); a description and five hashtags out. */
  listing: { inputTokens: 4_000, outputTokens: 1_500 },
  /** gpt-image-1 at high quality, 1024x1536 (6,240 output tokens), with up to 5 reference images in. */
  image: { images: 1, inputTokens: 1_000, inputImageTokens: 5 * 1_600, outputTokens: 6_240 },
  /** Two images and a short verdict; Titan bills the two images. */
  consistency: { images: 2, inputTokens: 4_000, outputTokens: 100 },
} satisfies Record<string, Usage>;

/**
 * One spoken line of `characters`: twice, because Polly bills the speech marks request
 * for the same text as much as the audio (other speech models bill once).
 */
export function worstCaseSpeechUsage(characters: number): Usage {
  return { speechCharacters: 2 * characters };
}
