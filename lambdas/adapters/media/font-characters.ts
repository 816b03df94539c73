import { readFile } from 'node:fs/promises';
import type { Font, FontCollection } from 'fontkit';
import * as z from '../../core/contracts/zod-mini.js';

/**
 * The code points a font has a glyph for, as sorted, disjoint, inclusive ranges: all the
 * subtitle checks ask of a font. Ranges, because a font's character map is runs of code points
 * (a CJK font's 20,000 to 30,000 are 400 to 5,000 runs, under 75 KB of JSON).
 */
export type CharacterRanges = ReadonlyArray<readonly [first: number, last: number]>;

/**
 * Beside a font file, its character ranges, precomputed: the fonts layer ships one per font, so
 * no function reads a font's tables at run time (fontkit alone cost about 100 ms of init).
 */
export const CHARACTER_RANGES_SUFFIX = '.characters.json';

export interface FontCharacters {
  has(codePoint: number): boolean;
}

/** A collection (.ttc) answers for its first face, the one fontconfig offers first. */
export function firstFace(opened: Font | FontCollection): Font {
  return 'fonts' in opened ? (opened.fonts[0] as Font) : opened;
}

/** What a font read by fontkit has glyphs for: its character map, without code points it maps to no glyph. */
export function characterRangesOf(font: Pick<Font, 'characterSet' | 'hasGlyphForCodePoint'>): CharacterRanges {
  const codePoints = [...new Set(font.characterSet)]
    .filter((codePoint) => font.hasGlyphForCodePoint(codePoint))
    .sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const codePoint of codePoints) {
    const last = ranges.at(-1);
    if (last && last[1] === codePoint - 1) last[1] = codePoint;
    else ranges.push([codePoint, codePoint]);
  }
  return ranges;
}

export function charactersIn(ranges: CharacterRanges): FontCharacters {
  return {
    has(codePoint) {
      let low = 0;
      let high = ranges.length - 1;
      while (low <= high) {
        const middle = (low + high) >> 1;
        const [first, last] = ranges[middle]!;
        if (codePoint < first) high = middle - 1;
        else if (codePoint > last) low = middle + 1;
        else return true;
      }
      return false;
    },
  };
}

const CharacterRangesSchema = z
  .array(z.tuple([z.int(), z.int()]))
  .check(
    z.refine((ranges) =>
      ranges.every(([first, last], index) => first <= last && (index === 0 || first > ranges[index - 1]![1])),
    ),
  );

function parseRanges(text: string, file: string): CharacterRanges {
  const parsed = CharacterRangesSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not a sorted list of [first, last] code point ranges`);
  return parsed.data;
}

const loaded = new Map<string, Promise<FontCharacters>>();

/**
 * The characters a font file draws: from the ranges precomputed beside it when they are there (the
 * fonts layer), else read from the font with fontkit, imported only then (the npm font packages the
 * local runtime uses). Once per file per process.
 */
export function fontCharacters(file: string): Promise<FontCharacters> {
  let loading = loaded.get(file);
  if (!loading) {
    const precomputed = `${file}${CHARACTER_RANGES_SUFFIX}`;
    loading = readFile(precomputed, 'utf8').then(
      (text) => charactersIn(parseRanges(text, precomputed)),
      async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        const fontkit = await import('fontkit');
        return charactersIn(characterRangesOf(firstFace(fontkit.create(await readFile(file)))));
      },
    );
    // A failure is not kept: the next call reads the files again.
    loading.catch(() => loaded.delete(file));
    loaded.set(file, loading);
  }
  return loading;
}
