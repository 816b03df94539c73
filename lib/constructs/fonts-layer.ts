import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import * as fontkit from 'fontkit';
import { CHARACTER_RANGES_SUFFIX, characterRangesOf, firstFace } from '../../lambdas/adapters/media/font-characters.js';
import { fontFiles } from '../../lambdas/adapters/media/fonts.js';
import { MEDIA_VARIABLES } from '../../lambdas/core/contracts/environment.js';
import { FONT_READER_PACKAGE } from '../bundling/stage-bundle.js';
import { FileLayer, type LayerFile, type MediaLayer } from './file-layer.js';

const FONTS_DIR = 'fonts';
const require = createRequire(import.meta.url);

let fontReader: LayerFile[] | undefined;

/**
 * fontkit and its dependencies as one ES module at /opt/nodejs/node_modules/fontkit: the glyph
 * checks import it only for a font with no character ranges beside it (a fonts directory of
 * one's own), so it costs no init. The layer ships one file rather than a node_modules tree.
 * Built once per process.
 */
function fontReaderFiles(): LayerFile[] {
  if (fontReader) return fontReader;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dramaforge-font-reader-'));
  // Its exports map hides package.json: it sits two folders above the CommonJS entry (dist/main.cjs).
  const packageJson = path.join(path.dirname(require.resolve(FONT_READER_PACKAGE)), '..', 'package.json');
  const { version, license } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string; license: string };
  buildSync({
    entryPoints: [FONT_READER_PACKAGE],
    outfile: path.join(dir, 'index.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    minify: true,
    banner: {
      js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: FONT_READER_PACKAGE, version, license, type: 'module', exports: './index.mjs' })}\n`,
  );
  const target = path.join('nodejs', 'node_modules', FONT_READER_PACKAGE);
  fontReader = ['index.mjs', 'package.json'].map((file) => ({
    source: path.join(dir, file),
    target: path.join(target, file),
  }));
  return fontReader;
}

/** Each font's character ranges, written once per process (every environment's stack ships the same fonts). */
const characterRangeFiles = new Map<string, LayerFile>();

/**
 * Each font's character ranges, read with fontkit here, at synth, and shipped beside the font
 * (fonts/<file>.characters.json), where the functions that check subtitle glyphs read them: no
 * function loads a font reader.
 */
function characterRangesFiles(fonts: LayerFile[]): LayerFile[] {
  return fonts.map((font) => {
    let written = characterRangeFiles.get(font.source);
    if (!written) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'dramaforge-font-characters-'));
      const source = path.join(dir, `${path.basename(font.source)}${CHARACTER_RANGES_SUFFIX}`);
      writeFileSync(source, JSON.stringify(characterRangesOf(firstFace(fontkit.create(readFileSync(font.source))))));
      written = { source, target: `${font.target}${CHARACTER_RANGES_SUFFIX}` };
      characterRangeFiles.set(font.source, written);
    }
    return written;
  });
}

/**
 * The caption and subtitle fonts at /opt/fonts (Latin, Thai, Korean, Japanese, simplified
 * and traditional Chinese, emoji; regular and bold): exactly the files lambdas/adapters/media/fonts.ts
 * registers, taken from the npm font packages, flattened into one directory as
 * DRAMAFORGE_FONTS_DIR expects.
 */
export class FontsLayer extends Construct implements MediaLayer {
  readonly tool = 'fonts' as const;
  readonly layer;
  readonly environment = { [MEDIA_VARIABLES.fontsDir]: `/opt/${FONTS_DIR}` };

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // An empty environment makes fontFiles() resolve the npm packages instead of a bundled directory.
    const fonts = fontFiles({}).map((font) => ({
      source: font.file,
      target: path.join(FONTS_DIR, path.basename(font.file)),
    }));
    this.layer = new FileLayer(this, 'Files', {
      description: `DejaVu Sans, Noto Sans Thai/KR/JP/Hans/Hant and Noto Emoji for storyboards and burned subtitles, at /opt/fonts, each with the code points it draws; ${FONT_READER_PACKAGE}, for fonts without them, at /opt/nodejs/node_modules`,
      license: 'OFL-1.1 AND Bitstream-Vera AND MIT',
      compatibleArchitectures: [Architecture.X86_64, Architecture.ARM_64],
      files: [...fonts, ...characterRangesFiles(fonts), ...fontReaderFiles()],
    }).layer;
  }
}
