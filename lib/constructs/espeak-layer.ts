import { createRequire } from 'node:module';
import path from 'node:path';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { defaultWorkerPath } from '../../lambdas/adapters/providers/offline/espeak-worker-client.js';
import { MEDIA_VARIABLES } from '../../lambdas/core/contracts/environment.js';
import { FileLayer, type MediaLayer } from './file-layer.js';

const require = createRequire(import.meta.url);
const ESPEAK_PACKAGE = '@echogarden/espeak-ng-emscripten';
const LAYER_DIR = 'espeak';

/**
 * The espeak-ng worker at /opt/espeak: espeak-worker.mjs with the WebAssembly engine in a
 * node_modules beside it, so the worker's `import.meta.resolve` finds the engine and its
 * voice data exactly as it does in the repository. GPL-3: it runs as its own process.
 * WebAssembly, so one layer serves both architectures.
 */
export class EspeakLayer extends Construct implements MediaLayer {
  readonly tool = 'espeak' as const;
  readonly layer;
  readonly environment = { [MEDIA_VARIABLES.espeakWorker]: `/opt/${LAYER_DIR}/espeak-worker.mjs` };

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const engineDir = path.dirname(require.resolve(`${ESPEAK_PACKAGE}/package.json`));
    const engineTarget = path.join(LAYER_DIR, 'node_modules', ESPEAK_PACKAGE);
    this.layer = new FileLayer(this, 'Files', {
      description: 'espeak-ng (WebAssembly) speech worker for the offline scratch voices, at /opt/espeak',
      license: 'GPL-3.0-or-later',
      compatibleArchitectures: [Architecture.X86_64, Architecture.ARM_64],
      files: [
        // An empty environment gives the worker file that sits in the repository.
        { source: defaultWorkerPath({}), target: path.join(LAYER_DIR, 'espeak-worker.mjs') },
        ...['package.json', 'espeak-ng.js', 'espeak-ng.data', 'COPYING'].map((file) => ({
          source: path.join(engineDir, file),
          target: path.join(engineTarget, file),
        })),
      ],
    }).layer;
  }
}
