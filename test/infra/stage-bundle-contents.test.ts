import { buildSync, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ALL_STAGES } from '../../lambdas/catalog.js';
import { PROVIDER_PORTS, type ProviderPort } from '../../lambdas/core/contracts/bound-providers.js';
import { BROWSER_ONLY_PACKAGE, FONT_READER_PACKAGE, stageBundleOptions } from '../../lib/bundling/stage-bundle.js';

const OFFLINE_PORTS = 'lambdas/composition/offline-ports';
const OFFLINE_PROFILE = 'lambdas/adapters/providers/offline/';

/** The module of a port's offline model: `lipSync` is offline-ports/lip-sync.ts. */
const offlinePortModule = (port: ProviderPort) =>
  `${OFFLINE_PORTS}/${port.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}.ts`;

/**
 * The provider ports each provider-calling stage's handler declares. A stage that declares another port
 * bundles that port's offline model too: this table is where the growth is seen and agreed to.
 */
const DECLARED_PORTS: Record<string, ProviderPort[]> = {
  'assemble-episode': ['text', 'music'],
  'cast-character': ['image', 'video', 'speech'],
  'develop-episode': ['development'],
  'dub-episode': ['lipSync', 'music'],
  'render-keyframes': ['image', 'consistency'],
  'sync-lips': ['lipSync'],
  'synthesize-voice': ['speech', 'transcription'],
  'video-worker': ['video', 'consistency'],
  'voice-dub': ['translation', 'speech'],
  'write-script': ['text'],
};

/** A provider's adapters; its settings module (which variables configure it) is read by validation too. */
const isProviderCode = (module: string) =>
  module.startsWith('lambdas/adapters/providers/') && !module.endsWith('/settings.ts');

const metafiles = new Map<string, Metafile>();

/** A stage function's bundle, described (not written): built once per stage for all the tests that read it. */
function stageMetafile(stageName: string): Metafile {
  let metafile = metafiles.get(stageName);
  if (!metafile) {
    metafile = buildSync({
      ...stageBundleOptions(stageName, `/tmp/dramaforge-bundle-contents/${stageName}`),
      metafile: true,
      write: false,
    }).metafile!;
    metafiles.set(stageName, metafile);
  }
  return metafile;
}

/** The modules a stage function's bundle carries, its chunks included. */
function bundledModules(stageName: string): string[] {
  return Object.keys(stageMetafile(stageName).inputs);
}

/**
 * What a stage function loads at cold start: the modules of the files its handler's file imports
 * statically, transitively, and the packages outside the bundle those import. A chunk loaded by
 * `import()` on first use is not among them.
 */
function coldStartImports(stageName: string): { modules: Set<string>; packages: Set<string> } {
  const { outputs } = stageMetafile(stageName);
  const modules = new Set<string>();
  const packages = new Set<string>();
  const visited = new Set<string>();
  const visit = (file: string) => {
    if (visited.has(file)) return;
    visited.add(file);
    for (const module of Object.keys(outputs[file]!.inputs)) modules.add(module);
    for (const imported of outputs[file]!.imports) {
      if (imported.kind !== 'import-statement') continue;
      if (imported.external) packages.add(imported.path);
      else visit(imported.path);
    }
  };
  visit(Object.entries(outputs).find(([, output]) => output.entryPoint === relativeStageEntry(stageName))![0]);
  return { modules, packages };
}

const relativeStageEntry = (stageName: string) => `lambdas/stages/${stageName}/handler.ts`;

/** The stages that validate a manifest (the upload, or one a model developed); the rest read one already valid. */
const MANIFEST_VALIDATING_STAGES = ['develop-episode', 'validate-manifest'];
const MANIFEST_SCHEMA = 'lambdas/core/manifest/schema.ts';

/**
 * Each port's offline model (the offline profile's modules its offline-ports module imports) and every
 * module that model reaches (the lip-sync painter draws with the storyboard, the developer writes with
 * the script writer), bundled alone as a stage is bundled.
 */
function offlineModelByPort(): Map<ProviderPort, { model: string[]; reaches: string[] }> {
  return new Map(
    PROVIDER_PORTS.map((port) => {
      const { metafile } = buildSync({
        ...stageBundleOptions('write-script', `/tmp/dramaforge-bundle-contents/ports/${port}`),
        entryPoints: { index: offlinePortModule(port) },
        metafile: true,
        write: false,
      });
      const imported = metafile!.inputs[offlinePortModule(port)]!.imports.map((imported) => imported.path);
      return [
        port,
        {
          model: imported.filter((module) => module.startsWith(OFFLINE_PROFILE)),
          reaches: Object.keys(metafile!.inputs),
        },
      ] as const;
    }),
  );
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

  describe('the offline models of the ports its handler declares, and no others', () => {
    const byPort = offlineModelByPort();

    it('lists the declared ports of exactly the stages that call providers', () => {
      // Assess
      expect(Object.keys(DECLARED_PORTS).sort()).toEqual(
        ALL_STAGES.filter((stage) => stage.access.callsProviders)
          .map((stage) => stage.name)
          .sort(),
      );
    });

    it.each(Object.entries(DECLARED_PORTS))('%s carries the offline ports %j and no other', (stageName, declared) => {
      // Prepare
      const reached = new Set(declared.flatMap((port) => byPort.get(port)!.reaches));
      const undeclaredModels = PROVIDER_PORTS.filter((port) => !declared.includes(port))
        .flatMap((port) => byPort.get(port)!.model)
        .filter((module) => !reached.has(module));

      // Act
      const modules = bundledModules(stageName);

      // Assess
      // offline-port.ts is what every port module is built with, not a port.
      const portModules = modules.filter(
        (module) => module.startsWith(`${OFFLINE_PORTS}/`) && module !== `${OFFLINE_PORTS}/offline-port.ts`,
      );
      expect(portModules.sort()).toEqual(declared.map(offlinePortModule).sort());
      expect(modules.filter((module) => undeclaredModels.includes(module))).toEqual([]);
    });

    it('video-worker carries no phrasebook and no storyboard: most of the offline profile is the script and image models', () => {
      // Act
      const modules = bundledModules('video-worker');

      // Assess
      expect(
        modules.filter((module) => /^lambdas\/adapters\/providers\/offline\/(phrasebook|storyboard)\//.test(module)),
      ).toEqual([]);
    });
  });

  it.each(Object.entries(DECLARED_PORTS))(
    '%s loads none of its offline models (%j) at cold start: each is imported when a manifest first routes its port offline',
    (stageName, declared) => {
      // Prepare
      const byPort = offlineModelByPort();
      const models = declared.flatMap((port) => byPort.get(port)!.model);

      // Act
      const { modules } = coldStartImports(stageName);

      // Assess
      expect(models.filter((module) => modules.has(module))).toEqual([]);
    },
  );

  it.each(ALL_STAGES.map((stage) => [stage.name]))(
    '%s loads no real-provider machinery at cold start: the provider guards, the routed ports, the fault injector and the presigner come with the first manifest or drill that needs them',
    (stageName) => {
      // Act
      const { modules } = coldStartImports(stageName);

      // Assess
      expect(
        [...modules].filter((module) =>
          /node_modules\/@aws-sdk\/s3-request-presigner\/|lambdas\/composition\/(real-providers|routing\/routed-ports|faults\/fault-injector|resilience\/provider-guard)\.ts$/.test(
            module,
          ),
        ),
      ).toEqual([]);
    },
  );

  it.each(ALL_STAGES.map((stage) => [stage.name]))(
    '%s loads no font reader at cold start: the glyph checks read the character ranges beside the fonts (fontkit cost about 100 ms of init)',
    (stageName) => {
      // Act
      const { packages } = coldStartImports(stageName);

      // Assess
      expect(packages.has(FONT_READER_PACKAGE)).toBe(false);
    },
  );

  it.each(ALL_STAGES.map((stage) => [stage.name]))(
    "%s loads no classic zod at cold start: every schema it checks there, the manifest's included, is zod/mini (classic cost the two that validate manifests 10 to 22 ms of init)",
    (stageName) => {
      // Act
      const { modules } = coldStartImports(stageName);

      // Assess
      expect([...modules].filter((module) => module.includes('node_modules/zod/v4/classic/'))).toEqual([]);
    },
  );

  it.each(ALL_STAGES.map((stage) => [stage.name]))(
    '%s builds the manifest schema (hundreds of zod schemas) at cold start exactly when it validates a manifest',
    (stageName) => {
      // Act
      const { modules } = coldStartImports(stageName);

      // Assess
      expect(modules.has(MANIFEST_SCHEMA)).toBe(MANIFEST_VALIDATING_STAGES.includes(stageName));
    },
  );

  it.each(ALL_STAGES.map((stage) => [stage.name, stage] as const))(
    '%s loads the Step Functions and SQS clients at cold start exactly when it starts executions, answers Tasks or re-queues jobs',
    (stageName, { access, invokedBy }) => {
      // Act
      const { modules } = coldStartImports(stageName);
      const loads = (client: string) => [...modules].some((module) => module.includes(`/@aws-sdk/${client}/`));

      // Assess
      expect({ sfn: loads('client-sfn'), sqs: loads('client-sqs') }).toEqual({
        sfn: access.reportsTaskOutcome !== undefined || invokedBy === 'manifest-upload',
        sqs: access.requeuesVideoJobs === true,
      });
    },
  );

  it('leaves out bowser, and writes nothing that would load it: the SDK parses a user agent with it only in a browser', () => {
    // Act
    const { metafile, outputFiles } = buildSync({
      ...stageBundleOptions('write-script', '/tmp/dramaforge-bundle-contents/browser-only'),
      metafile: true,
      write: false,
    });

    // Assess
    expect(Object.keys(metafile!.inputs).filter((module) => module.includes(`/${BROWSER_ONLY_PACKAGE}/`))).toEqual([]);
    expect(
      outputFiles!.filter((file) => file.text.includes(`"${BROWSER_ONLY_PACKAGE}"`)).map((file) => file.path),
    ).toEqual([]);
  });

  it('counts validate-manifest among the stages that call no provider', () => {
    // Assess
    expect(ALL_STAGES.filter((stage) => !stage.access.callsProviders).map((stage) => stage.name)).toContain(
      'validate-manifest',
    );
  });
});
