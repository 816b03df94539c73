import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Architecture, type ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { PROVIDER_SDK_LAYER_PACKAGE } from '../bundling/stage-bundle.js';
import { FileLayer } from './file-layer.js';

const require = createRequire(import.meta.url);

/** Type declarations, source maps and TypeScript sources are never loaded at run time. */
const NOT_RUN = /(\.d\.[cm]?ts|\.map)$|^src\//;

/**
 * The openai client at /opt/nodejs/node_modules, shared by the functions that call
 * providers. It is the largest provider SDK the runtime does not provide; kept out of
 * the bundles, it loads only when a manifest routes to the openai-compatible profile.
 */
export class ProviderSdkLayer extends Construct {
  readonly layer: ILayerVersion;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const dir = packageRoot(require.resolve(PROVIDER_SDK_LAYER_PACKAGE));
    const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
    const files = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(entry.parentPath, entry.name))
      .filter((source) => !NOT_RUN.test(path.relative(dir, source)))
      .map((source) => ({
        source,
        target: path.join('nodejs', 'node_modules', PROVIDER_SDK_LAYER_PACKAGE, path.relative(dir, source)),
      }));
    this.layer = new FileLayer(this, 'Files', {
      description: `${PROVIDER_SDK_LAYER_PACKAGE} ${version} at /opt/nodejs/node_modules, for the functions that call providers`,
      license: 'Apache-2.0',
      compatibleArchitectures: [Architecture.X86_64, Architecture.ARM_64],
      files,
    }).layer;
  }
}

/** The package's own folder: its exports give no way to resolve its package.json. */
function packageRoot(entry: string): string {
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (path.basename(dir) === PROVIDER_SDK_LAYER_PACKAGE && existsSync(path.join(dir, 'package.json'))) return dir;
  }
  throw new Error(`${PROVIDER_SDK_LAYER_PACKAGE} is not installed`);
}
