import { createRequire } from 'node:module';
import path from 'node:path';
import { readMediaEnvironment, type MediaEnvironment } from '../../core/environment.js';

/**
 * Font files used to draw storyboard captions and burn subtitles. DejaVu covers
 * Latin (with Vietnamese diacritics); Noto Sans Hans covers simplified Chinese.
 *
 * In Lambda the fonts come from the fonts layer (lib/constructs/fonts-layer.ts) and
 * DRAMAFORGE_FONTS_DIR points at them; otherwise they come from the npm packages.
 */
export interface FontFile {
  family: string;
  file: string;
}

const require = createRequire(import.meta.url);

function packageDir(specifier: string, entryToRoot: string): string {
  return path.resolve(path.dirname(require.resolve(specifier)), entryToRoot);
}

export function fontFiles(env: MediaEnvironment = readMediaEnvironment()): FontFile[] {
  const bundled = env.fontsDir;
  const dejavuDir = bundled ?? path.join(packageDir('dejavu-fonts-ttf/package.json', '.'), 'ttf');
  const notoDir = bundled ?? path.join(packageDir('@embedpdf/fonts-sc', '..'), 'fonts');
  return [
    { family: 'DejaVu Sans', file: path.join(dejavuDir, 'DejaVuSans.ttf') },
    { family: 'DejaVu Sans Bold', file: path.join(dejavuDir, 'DejaVuSans-Bold.ttf') },
    { family: 'Noto Sans Hans', file: path.join(notoDir, 'NotoSansHans-Regular.otf') },
  ];
}

/** The family to ask for first: CJK languages need the Hans face, everything else reads best in DejaVu. */
export function primaryFamily(language: string): string {
  return /^(zh|cmn|yue|ja)\b/i.test(language) ? 'Noto Sans Hans' : 'DejaVu Sans';
}
