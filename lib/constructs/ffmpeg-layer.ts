import { createRequire } from 'node:module';
import path from 'node:path';
import type { Architecture } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { MEDIA_VARIABLES } from '../../lambdas/core/contracts/environment.js';
import { FileLayer, type MediaLayer } from './file-layer.js';

const require = createRequire(import.meta.url);

/** The npm platform names of the static ffmpeg/ffprobe builds, by Lambda architecture. */
const PLATFORM_PACKAGE_SUFFIX: Record<string, string> = { x86_64: 'linux-x64', arm64: 'linux-arm64' };

export interface FfmpegLayerProps {
  /**
   * The architecture of the functions that spawn ffmpeg; synth fails if its platform package is not installed.
   *
   * @default - none, required
   */
  readonly architecture: Architecture;
}

/** Resolves an installed platform package's binary, or says which package to install for that architecture. */
function platformBinary(
  installer: '@ffmpeg-installer' | '@ffprobe-installer',
  binary: string,
  architecture: Architecture,
): string {
  const suffix = PLATFORM_PACKAGE_SUFFIX[architecture.name];
  const packageName = `${installer}/${suffix}`;
  try {
    return path.join(path.dirname(require.resolve(`${packageName}/package.json`)), binary);
  } catch {
    throw new Error(
      `${binary} for ${architecture.name} Lambda functions needs ${packageName} installed; only this machine's platform package comes with npm ci`,
    );
  }
}

/**
 * ffmpeg and ffprobe at /opt/bin, from the static builds npm already installed
 * (@ffmpeg-installer/<platform>, @ffprobe-installer/<platform>). They are GPL and
 * lambdas/adapters/media/ffmpeg.ts only ever spawns them, so shipping them as a layer
 * keeps them out of our bundles.
 */
export class FfmpegLayer extends Construct implements MediaLayer {
  readonly tool = 'ffmpeg' as const;
  readonly layer;
  readonly environment = {
    [MEDIA_VARIABLES.ffmpegPath]: '/opt/bin/ffmpeg',
    [MEDIA_VARIABLES.ffprobePath]: '/opt/bin/ffprobe',
  };

  constructor(scope: Construct, id: string, props: FfmpegLayerProps) {
    super(scope, id);
    this.layer = new FileLayer(this, 'Files', {
      description: `ffmpeg and ffprobe static builds (${props.architecture.name}) at /opt/bin`,
      license: 'GPL-3.0-or-later',
      compatibleArchitectures: [props.architecture],
      files: [
        {
          source: platformBinary('@ffmpeg-installer', 'ffmpeg', props.architecture),
          target: 'bin/ffmpeg',
          executable: true,
        },
        {
          source: platformBinary('@ffprobe-installer', 'ffprobe', props.architecture),
          target: 'bin/ffprobe',
          executable: true,
        },
      ],
    }).layer;
  }
}
