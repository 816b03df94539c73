import type { MediaEnvironment } from '../../core/contracts/environment.js';
import { readMediaEnvironment } from '../../core/contracts/environment.js';
import { fontCharacters } from './font-characters.js';
import { fontFamiliesFor, fontFiles } from './fonts.js';

/**
 * Which text the subtitle fonts can draw. A grapheme is drawable when one font of the
 * language's fallback chain has a glyph for each of its code points: the canvas then
 * shapes it within that font (a Thai consonant with its vowel and tone mark, an emoji
 * ZWJ sequence), and nothing in it can come out as a tofu box.
 */
export interface GlyphCoverage {
  /** The families checked, in fallback order. */
  families: string[];
  drawable(grapheme: string): boolean;
  /** The graphemes of `text` that no font draws, each once, in order of appearance. */
  missing(text: string): string[];
  /** `text` without the graphemes no font draws. */
  drawableText(text: string): string;
}

/** Code points that only join or select glyphs (ZWJ, ZWNJ, variation selectors, emoji tags) and are never drawn themselves. */
const FORMAT_ONLY = /\u200D|\p{Variation_Selector}|[\u200B\u200C\u2060\u{E0020}-\u{E007F}]/u;

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export async function glyphCoverage(
  language: string,
  env: MediaEnvironment = readMediaEnvironment(),
): Promise<GlyphCoverage> {
  const families = fontFamiliesFor(language);
  const files = fontFiles(env);
  const sets = await Promise.all(
    families.map((family) => {
      const regular = files.find((font) => font.family === family && font.weight === 'regular');
      if (!regular) throw new Error(`no regular face for the subtitle family ${family}`);
      return fontCharacters(regular.file);
    }),
  );
  const drawable = (grapheme: string): boolean => {
    const codePoints = [...grapheme]
      .filter((char) => !FORMAT_ONLY.test(char) && !/\s/u.test(char))
      .map((char) => char.codePointAt(0) as number);
    return codePoints.length === 0 || sets.some((set) => codePoints.every((codePoint) => set.has(codePoint)));
  };
  const graphemes = (text: string) => Array.from(graphemeSegmenter.segment(text), (segment) => segment.segment);
  return {
    families,
    drawable,
    missing: (text) => [...new Set(graphemes(text).filter((grapheme) => !drawable(grapheme)))],
    drawableText: (text) => graphemes(text).filter(drawable).join('').replace(/\s+/gu, ' ').trim(),
  };
}
