import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CHARACTER_RANGES_SUFFIX,
  characterRangesOf,
  charactersIn,
  fontCharacters,
} from '../../../../../lambdas/adapters/media/font-characters.js';
import { fontFiles } from '../../../../../lambdas/adapters/media/fonts.js';

const dejaVu = () => fontFiles({}).find((font) => font.family === 'DejaVu Sans' && font.weight === 'regular')!.file;

describe('characterRangesOf', () => {
  it('joins consecutive code points into ranges, in order, leaving out the ones mapped to no glyph', () => {
    // Prepare: a character map listing 0x41 to 0x43 and 0x45 out of order and twice, and 0x50 with no glyph
    const font = {
      characterSet: [0x45, 0x43, 0x41, 0x42, 0x41, 0x50],
      hasGlyphForCodePoint: (codePoint: number) => codePoint !== 0x50,
    };

    // Act
    const ranges = characterRangesOf(font);

    // Assess
    expect(ranges).toEqual([
      [0x41, 0x43],
      [0x45, 0x45],
    ]);
  });
});

describe('charactersIn', () => {
  it('finds a code point at either end and inside a range, and none in the gaps or outside', () => {
    // Prepare
    const characters = charactersIn([
      [10, 20],
      [30, 30],
      [40, 45],
    ]);

    // Act
    const answers = [9, 10, 15, 20, 21, 29, 30, 31, 40, 45, 46].map((codePoint) => [
      codePoint,
      characters.has(codePoint),
    ]);

    // Assess
    expect(answers).toEqual([
      [9, false],
      [10, true],
      [15, true],
      [20, true],
      [21, false],
      [29, false],
      [30, true],
      [31, false],
      [40, true],
      [45, true],
      [46, false],
    ]);
  });
});

describe('fontCharacters', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'font-characters-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a font without ranges beside it: Latin and Vietnamese letters, but no Hangul', async () => {
    // Prepare
    const font = path.join(dir, 'DejaVuSans.ttf');
    await copyFile(dejaVu(), font);

    // Act
    const characters = await fontCharacters(font);

    // Assess
    expect(['A', 'ệ', 'ư', '한'].map((character) => characters.has(character.codePointAt(0)!))).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('answers from the ranges beside the font when they are there, without reading the font', async () => {
    // Prepare: ranges that say only "A", beside a font that draws far more
    const font = path.join(dir, 'DejaVuSans.ttf');
    await copyFile(dejaVu(), font);
    await writeFile(`${font}${CHARACTER_RANGES_SUFFIX}`, JSON.stringify([[0x41, 0x41]]));

    // Act
    const characters = await fontCharacters(font);

    // Assess
    expect([characters.has(0x41), characters.has(0x42)]).toEqual([true, false]);
  });

  it('refuses ranges that are not sorted and disjoint, naming their file', async () => {
    // Prepare
    const font = path.join(dir, 'DejaVuSans.ttf');
    await copyFile(dejaVu(), font);
    await writeFile(
      `${font}${CHARACTER_RANGES_SUFFIX}`,
      JSON.stringify([
        [0x41, 0x45],
        [0x44, 0x50],
      ]),
    );

    // Act
    const loading = fontCharacters(font);

    // Assess
    await expect(loading).rejects.toThrow(`${font}${CHARACTER_RANGES_SUFFIX} is not a sorted list`);
  });
});
