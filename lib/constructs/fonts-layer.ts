import path from 'node:path';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { fontFiles } from '../../lambdas/adapters/media/fonts.js';
import { FileLayer, type MediaLayer } from './file-layer.js';
import { MEDIA_VARIABLES } from '../../lambdas/core/environment.js';

const FONTS_DIR = 'fonts';

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
    const files = fontFiles({}).map((font) => ({ source: font.file, target: path.join(FONTS_DIR, path.basename(font.file)) }));
    this.layer = new FileLayer(this, 'Files', {
      description: 'DejaVu Sans, Noto Sans Thai/KR/JP/Hans/Hant and Noto Emoji for storyboards and burned subtitles, at /opt/fonts',
      license: 'OFL-1.1 AND Bitstream-Vera',
      compatibleArchitectures: [Architecture.X86_64, Architecture.ARM_64],
      files,
    }).layer;
  }
}
