import path from 'node:path';
import { type BuildOptions, buildSync } from 'esbuild';
import { FUNCTION_NODE_MAJOR } from '../config/function-runtime.js';

const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '..', '..');

/** The package the provider SDK layer ships (lib/constructs/provider-sdk-layer.ts). */
export const PROVIDER_SDK_LAYER_PACKAGE = 'openai';

/** The font reader that computes the fonts' character ranges (lambdas/adapters/media/font-characters.ts). */
export const FONT_READER_PACKAGE = 'fontkit';

/** What @aws-sdk/core imports only in a browser, to parse its user agent. */
export const BROWSER_ONLY_PACKAGE = 'bowser';

/** The module a stage function's handler is exported from, inside its asset. */
export const STAGE_BUNDLE_HANDLER = 'index.handler';

/**
 * Packages a stage function never bundles. Each is loaded only where it is used, so it
 * costs neither package size nor init time elsewhere (docs/aws-deployment-decisions.md):
 * - the native canvas, which the functions that draw get from the canvas layer;
 * - the openai client, which the provider-calling functions get from the provider SDK layer;
 * - fontkit (with brotli, for WOFF2, 0.7 MB), which the fonts layer ships for a font without
 *   character ranges beside it. Every font the layer ships has them (computed with fontkit at
 *   synth), so no function loads it in AWS; the local runtime's npm fonts are read with it on first use;
 * - the AWS SDK clients only the bedrock and openai-compatible profiles use, which the
 *   Node.js 24 runtime provides. The clients the stages use (S3 and DynamoDB in every one, Step
 *   Functions and SQS in the few that call them) stay bundled at the lockfile's version, which
 *   also keeps cold starts short;
 * - bowser, which @aws-sdk/core imports on demand only in its browser user-agent parser. No
 *   Node code calls that parser and the minifier drops it, but esbuild splits every dynamic
 *   import into a chunk before it drops the caller: 34 KB written to every function and never
 *   loaded. Nothing is left to load it (test/infra/stage-bundle-contents.test.ts checks).
 */
export const STAGE_BUNDLE_EXTERNALS = [
  '@napi-rs/canvas',
  PROVIDER_SDK_LAYER_PACKAGE,
  FONT_READER_PACKAGE,
  '@aws-sdk/client-bedrock-runtime',
  '@aws-sdk/client-polly',
  '@aws-sdk/client-secrets-manager',
  BROWSER_ONLY_PACKAGE,
];

export function stageEntry(stageName: string): string {
  return path.join(REPOSITORY_ROOT, 'lambdas', 'stages', stageName, 'handler.ts');
}

/**
 * How every stage function is bundled, for the stack and for the test that imports the
 * bundles: ESM, minified, with source maps, and split so that what a handler imports on
 * demand (a provider profile and its SDK) is a chunk of its own, loaded only when used.
 */
export function stageBundleOptions(stageName: string, outdir: string): BuildOptions {
  return {
    entryPoints: { index: stageEntry(stageName) },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: `node${FUNCTION_NODE_MAJOR}`,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    minify: true,
    sourcemap: true,
    // File and line mapping without embedding every source file: the map stays small.
    sourcesContent: false,
    mainFields: ['module', 'main'],
    external: STAGE_BUNDLE_EXTERNALS,
    // Bundled CommonJS dependencies still call require(); ESM output has none of its own.
    banner: {
      js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  };
}

export function bundleStage(stageName: string, outdir: string): void {
  buildSync(stageBundleOptions(stageName, outdir));
}
