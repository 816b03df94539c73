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
  // One test per stage: each bundles one function, so a slow machine slows each a little rather than one test by 21 bundles.
  it.each(ALL_STAGES.map((stage) => [stage.name, stage.access.callsProviders] as const))(
    '%s carries provider code exactly when it calls providers (%s): otherwise it neither loads nor ships it',
    (stageName, callsProviders) => {
      // Act
      const providerModules = bundledModules(stageName).filter(isProviderCode);

      // Assess
      if (callsProviders) expect(providerModules).not.toEqual([]);
      else expect(providerModules).toEqual([]);
    },
  );

  it('counts validate-manifest among the stages that call no provider', () => {
    // Assess
    expect(ALL_STAGES.filter((stage) => !stage.access.callsProviders).map((stage) => stage.name)).toContain(
      'validate-manifest',
    );
  });
});
