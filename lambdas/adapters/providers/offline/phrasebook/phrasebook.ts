import type { CharacterBrief } from '../../../../core/contracts/ports.js';

export const MOODS = ['tender', 'tense', 'joyful', 'sad', 'comic', 'angry', 'default'] as const;
export type Mood = (typeof MOODS)[number];

/**
 * Lines for one mood. Placeholders: {listener} is the name of the character
 * spoken to, {place} the scene's location as the manifest names it, and, where
 * the language needs them, {I} and {you} are the pronouns for this pair of
 * characters. A line with {place} is only used when the location reads well
 * in the language.
 */
export interface MoodLines {
  /** First line of a conversation, addressed to {listener}. */
  openers: readonly string[];
  /** Answers to the line before, addressed to its speaker. */
  replies: readonly string[];
  /** Last line of a conversation of three lines or more. */
  closers: readonly string[];
  /** A character alone in the scene, thinking aloud; no {listener}. */
  monologue: readonly string[];
}

/** Lines about a thing the scene's outline names (outline-nouns.ts); {thing} is that thing as the language says it. */
export interface AboutLines {
  /** First line of a conversation, addressed to {listener}. */
  openers: readonly string[];
  /** A character alone, thinking aloud about it; no {listener}. */
  monologue: readonly string[];
}

export interface PronounPair {
  I: string;
  you: string;
}

export interface Phrasebook {
  /** Whether a location written this way can sit inside a line of this language. */
  placeFits(place: string): boolean;
  /** Languages whose pronouns depend on who speaks to whom fill {I} and {you}. */
  pronouns?(speaker: CharacterBrief, listener: CharacterBrief): PronounPair;
  /**
   * Languages whose address follows age and relationship rewrite a filled line spoken to an
   * elder: a title for the name, respectful pronouns, polite particles or endings.
   */
  addressed?(line: string, speaker: CharacterBrief, listener: CharacterBrief): string;
  moods: Readonly<Record<Mood, MoodLines>>;
  /** Lines that take the outline's nouns, in the languages whose grammar marks them (Thai has none). */
  about?: AboutLines;
}
