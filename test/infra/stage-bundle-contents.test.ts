import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ALL_STAGES } from '../../lambdas/catalog.js';
import { stageBundleOptions } from '../../lib/bundling/stage-bundle.js';

/** A provider's adapters; its settings module (which variables configure it) is read by validation too. */
const isProviderCode = (module: string) =>
  module.startsWith('lambdas/adapters/providers/') && !module.endsWith('/settings.ts');

/** The repository's modules a stage function's bundle carries, its chunks included. */
function bundledModules(stageName: string): string[] {
  const { metafile } = buildSync({
    ...stageBundleOptions(stageName, `/tmp/dramaforge-bundle-contents/${stageName}`),
    metafile: true,
    write: false,
  });
  return Object.keys(metafile!.inputs);
}

describe('what each stage function bundles', () => {
  it('carries provider code exactly when its stage calls providers: the others neither load nor ship it', () => {
    // Act
    const carried = ALL_STAGES.map((stage) => ({
      stage: stage.name,
      callsProviders: stage.access.callsProviders,
      providerCode: bundledModules(stage.name).some(isProviderCode),
    }));

    // Assess
    expect(carried.filter(({ callsProviders, providerCode }) => callsProviders !== providerCode)).toEqual([]);
    expect(carried.filter(({ callsProviders }) => !callsProviders).map(({ stage }) => stage)).toContain(
      'validate-manifest',
    );
  });
});
