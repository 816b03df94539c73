import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { nodePackageDirectory } from '../local/runtime/index.js';
import { median } from './figures.js';

const run = promisify(execFile);

export interface FunctionPackage {
  logicalId: string;
  assetPath: string;
  /** The function's own code: the bundle and its chunks, not counting source maps (layers and the runtime's SDK apart). */
  codeBytes: number;
  /** The entry module alone (index.mjs): what a cold start evaluates before the first invocation. */
  bundleBytes: number;
  sourceMapBytes: number;
  /** The layers the function is deployed with, by logical id. */
  layers: string[];
  /** The Node.js major of the function's runtime (`nodejs24.x`), whose binary measured its init. */
  nodeMajor?: number;
  initMs?: number;
  initRuns: number;
  initError?: string;
}

interface TemplateResource {
  Type: string;
  Metadata?: Record<string, string>;
  Properties?: { Layers?: { Ref?: string }[]; Runtime?: string };
}

/** The Lambda functions of a synthesized template with their asset directories (CDK's `aws:asset:path` metadata). */
export function functionAssets(template: {
  Resources: Record<string, TemplateResource>;
}): { logicalId: string; assetPath: string }[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function' && resource.Metadata?.['aws:asset:path'])
    .map(([logicalId, resource]) => ({ logicalId, assetPath: resource.Metadata!['aws:asset:path']! }));
}

async function directoryBytes(dir: string, include: (file: string) => boolean = () => true): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && include(file)) total += (await stat(file)).size;
  }
  return total;
}

/** The environment a stage function's module expects at import (it builds its clients then); nothing is called. */
const IMPORT_ENVIRONMENT = {
  AWS_REGION: 'us-east-1',
  TABLE_NAME: 'bench-table',
  BUCKET_NAME: 'bench-bucket',
  VIDEO_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:bench',
  POWERTOOLS_SERVICE_NAME: 'dramaforge',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
};

/** The error line of a failed import's stderr, short enough for a table (minified bundles put whole files on one line). */
export function importFailure(stderr: string): string {
  const line =
    stderr.split('\n').find((text) => /^\s*(\w+Error|Error \[\w+\])\b/.test(text)) ??
    stderr.split('\n').find(Boolean) ??
    'unknown error';
  const trimmed = line.trim();
  return trimmed.length > 200 ? `${trimmed.slice(0, 200)}...` : trimmed;
}

/** The Node.js major of a Lambda runtime identifier (`nodejs24.x` is 24). */
export function runtimeNodeMajor(runtime: string | undefined): number | undefined {
  const major = /^nodejs(\d+)\.x$/.exec(runtime ?? '')?.[1];
  return major === undefined ? undefined : Number(major);
}

/**
 * One fresh process of the function's own Node.js (the binary the local runtime's sandboxes run, the
 * runtime's major): milliseconds from the start of `import()` of the bundle until it resolves.
 */
async function initOnce(bundle: string, nodeMajor: number): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(bundle).href)}); process.stdout.write(String(performance.now() - t));`;
  const node = path.join(nodePackageDirectory(nodeMajor), 'bin', 'node');
  const { stdout } = await run(node, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, ...IMPORT_ENVIRONMENT },
  });
  return Number(stdout);
}

export async function measureLambdaPackages(options: {
  repositoryRoot: string;
  stack: string;
  initRuns: number;
  synthesize: boolean;
}): Promise<FunctionPackage[]> {
  const cdkOut = path.join(options.repositoryRoot, 'cdk.out');
  if (options.synthesize)
    await run('npx', ['cdk', 'synth', options.stack, '--quiet'], {
      cwd: options.repositoryRoot,
      maxBuffer: 64 * 1024 * 1024,
    });
  const template = JSON.parse(await readFile(path.join(cdkOut, `${options.stack}.template.json`), 'utf8')) as {
    Resources: Record<string, TemplateResource>;
  };
  const packages: FunctionPackage[] = [];
  for (const { logicalId, assetPath } of functionAssets(template)) {
    const layers = (template.Resources[logicalId]?.Properties?.Layers ?? []).flatMap((layer) =>
      layer.Ref ? [layer.Ref] : [],
    );
    const dir = path.join(cdkOut, assetPath);
    const bundle = path.join(dir, 'index.mjs');
    const hasBundle = await stat(bundle).then(
      () => true,
      () => false,
    );
    const nodeMajor = runtimeNodeMajor(template.Resources[logicalId]?.Properties?.Runtime);
    const measured: FunctionPackage = {
      logicalId,
      assetPath,
      codeBytes: await directoryBytes(dir, (file) => !file.endsWith('.map')),
      bundleBytes: hasBundle ? (await stat(bundle)).size : 0,
      sourceMapBytes: await directoryBytes(dir, (file) => file.endsWith('.map')),
      layers,
      nodeMajor,
      initRuns: 0,
    };
    if (hasBundle) {
      try {
        if (nodeMajor === undefined)
          throw new Error(`its runtime (${template.Resources[logicalId]?.Properties?.Runtime}) is not Node.js`);
        const times: number[] = [];
        for (let i = 0; i < options.initRuns; i++) times.push(await initOnce(bundle, nodeMajor));
        measured.initMs = median(times);
        measured.initRuns = times.length;
      } catch (error) {
        measured.initError = importFailure((error as { stderr?: string }).stderr ?? String(error));
      }
    }
    packages.push(measured);
  }
  return packages;
}
