import { createRequire } from 'node:module';
import path from 'node:path';
import { type MediaEnvironment, readMediaEnvironment } from '../../core/contracts/environment.js';
import { languageOf, type Script } from '../../core/text/languages.js';

/**
 * Font files used to draw storyboard captions and burn subtitles, one family per
 * script, each in a regular and a bold weight (registered under one family name, so
 * `bold` in a canvas font string picks the bold file):
 * - DejaVu Sans: Latin, with Vietnamese's stacked diacritics;
 * - Noto Sans Thai, Noto Sans KR, Noto Sans JP, Noto Sans Hans (simplified Chinese),
 *   Noto Sans Hant (traditional Chinese);
 * - Noto Emoji (monochrome), so an emoji in a line is drawn, never a tofu box.
 *
 * In Lambda the fonts come from the fonts layer (lib/constructs/fonts-layer.ts) and
 * DRAMAFORGE_FONTS_DIR points at them; otherwise they come from the npm packages.
 */
export type FontWeight = 'regular' | 'bold';

export interface FontFile {
  family: string;
  weight: FontWeight;
  file: string;
}

const require = createRequire(import.meta.url);

/** A package's root: from its package.json where its exports allow that, else from its entry point upwards. */
function packageDir(packageName: string): string {
  try {
    return path.dirname(require.resolve(`${packageName}/package.json`));
  } catch {
    const entry = require.resolve(packageName);
    const marker = `${path.sep}node_modules${path.sep}${packageName.split('/').join(path.sep)}${path.sep}`;
    return entry.slice(0, entry.lastIndexOf(marker) + marker.length - 1);
  }
}

export const LATIN_FAMILY = 'DejaVu Sans';
export const EMOJI_FAMILY = 'Noto Emoji';

/** The family drawn first for each script: its glyphs (and, for Han, its regional glyph forms) win. */
const FAMILY_BY_SCRIPT: Readonly<Record<Script, string>> = {
  latin: LATIN_FAMILY,
  thai: 'Noto Sans Thai',
  hangul: 'Noto Sans KR',
  japanese: 'Noto Sans JP',
  'han-simplified': 'Noto Sans Hans',
  'han-traditional': 'Noto Sans Hant',
};

interface FontSource {
  family: string;
  /** The npm package that ships the files when no fonts directory is given. */
  packageName: string;
  files: Readonly<Record<FontWeight, string>>;
}

const FONT_SOURCES: readonly FontSource[] = [
  {
    family: LATIN_FAMILY,
    packageName: 'dejavu-fonts-ttf',
    files: { regular: 'ttf/DejaVuSans.ttf', bold: 'ttf/DejaVuSans-Bold.ttf' },
  },
  {
    family: 'Noto Sans Thai',
    packageName: '@expo-google-fonts/noto-sans-thai',
    files: { regular: '400Regular/NotoSansThai_400Regular.ttf', bold: '700Bold/NotoSansThai_700Bold.ttf' },
  },
  {
    family: 'Noto Sans KR',
    packageName: '@embedpdf/fonts-kr',
    files: { regular: 'fonts/NotoSansKR-Regular.otf', bold: 'fonts/NotoSansKR-Bold.otf' },
  },
  {
    family: 'Noto Sans JP',
    packageName: '@embedpdf/fonts-jp',
    files: { regular: 'fonts/NotoSansJP-Regular.otf', bold: 'fonts/NotoSansJP-Bold.otf' },
  },
  {
    family: 'Noto Sans Hans',
    packageName: '@embedpdf/fonts-sc',
    files: { regular: 'fonts/NotoSansHans-Regular.otf', bold: 'fonts/NotoSansHans-Bold.otf' },
  },
  {
    family: 'Noto Sans Hant',
    packageName: '@embedpdf/fonts-tc',
    files: { regular: 'fonts/NotoSansHant-Regular.otf', bold: 'fonts/NotoSansHant-Bold.otf' },
  },
  {
    family: EMOJI_FAMILY,
    packageName: '@expo-google-fonts/noto-emoji',
    files: { regular: '400Regular/NotoEmoji_400Regular.ttf', bold: '700Bold/NotoEmoji_700Bold.ttf' },
  },
];

export function fontFiles(env: MediaEnvironment = readMediaEnvironment()): FontFile[] {
  return FONT_SOURCES.flatMap((source) =>
    (['regular', 'bold'] as const).map((weight) => {
      const relative = source.files[weight];
      const file = env.fontsDir
        ? path.join(env.fontsDir, path.basename(relative))
        : path.join(packageDir(source.packageName), relative);
      return { family: source.family, weight, file };
    }),
  );
}

/**
 * The families to draw a language's text with, in fallback order: its own script's
 * family, then Latin (names, digits and punctuation in any line), then the other
 * scripts' families (a Korean name in a Thai line), and emoji last.
 */
export function fontFamiliesFor(language: string): string[] {
  const own = FAMILY_BY_SCRIPT[languageOf(language).script];
  return [...new Set([own, LATIN_FAMILY, ...Object.values(FAMILY_BY_SCRIPT), EMOJI_FAMILY])];
}

/** A CSS font-family list for the canvas. */
export function canvasFontFamilies(language: string): string {
  return fontFamiliesFor(language)
    .map((family) => `"${family}"`)
    .join(', ');
}
