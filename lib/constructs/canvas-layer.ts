import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Architecture, ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { FileLayer } from './file-layer.js';

const require = createRequire(import.meta.url);
const CANVAS_PACKAGE = '@napi-rs/canvas';

/** npm's platform suffix for a napi-rs package's prebuilt binary, by Lambda architecture (Lambda runs glibc). */
const NATIVE_PLATFORM_SUFFIX: Record<string, string> = { x86_64: 'linux-x64-gnu', arm64: 'linux-arm64-gnu' };

export interface CanvasLayerProps {
  /**
   * The architecture of the functions that draw: the layer carries that build's binary.
   *
   * @default - none, required
   */
  readonly architecture: Architecture;
}

/**
 * @napi-rs/canvas with its prebuilt binary at /opt/nodejs/node_modules, where Lambda's
 * Node.js runtime resolves packages (ES module imports included), shared by every
 * function that draws. Synth fails if the binary for the architecture is not installed,
 * rather than deploying a function that cannot start.
 */
export class CanvasLayer extends Construct {
  readonly layer: ILayerVersion;

  constructor(scope: Construct, id: string, props: CanvasLayerProps) {
    super(scope, id);
    const packages = [CANVAS_PACKAGE, `${CANVAS_PACKAGE}-${NATIVE_PLATFORM_SUFFIX[props.architecture.name]}`];
    const files = packages.flatMap((name) => {
      const dir = installedPackageDir(name, props.architecture);
      return readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => {
          const source = path.join(entry.parentPath, entry.name);
          return { source, target: path.join('nodejs', 'node_modules', name, path.relative(dir, source)) };
        });
    });
    this.layer = new FileLayer(this, 'Files', {
      description: `${CANVAS_PACKAGE} for ${props.architecture.name} at /opt/nodejs/node_modules, for the functions that draw`,
      license: 'MIT',
      compatibleArchitectures: [props.architecture],
      files,
    }).layer;
  }
}

function installedPackageDir(name: string, architecture: Architecture): string {
  try {
    return path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    throw new Error(
      `${name} is not installed: ${architecture.name} functions that draw need it (npm ci only installs this machine's platform)`,
    );
  }
}
