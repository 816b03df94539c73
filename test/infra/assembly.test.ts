import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Token } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageDepsFromEnv } from '../../lambdas/composition/stage-deps-from-env.js';
import { PROVIDER_PROFILES } from '../../lambdas/core/contracts/provider-profiles.js';
import { LIP_SYNC_PROVIDERS, type Manifest } from '../../lambdas/core/manifest/schema.js';
import type { StageDeps } from '../../lambdas/pipeline/stage-deps.js';
import { ENVIRONMENT_NAMES, type EnvironmentName } from '../../lib/config/environment-config.js';
import {
  directoryBytes,
  LAMBDA_QUOTAS,
  lambdaEnvironment,
  layerPackages,
  layOut,
  loadModules,
  packageOf,
  packagesNamed,
  providedByRuntime,
  scanBundle,
} from './lambda-layout.js';
import { type AssembledEnvironment, assembleEnvironments, logicalIdOf, type TemplateResource } from './synthesize.js';

const STAGES_DIR = fileURLToPath(new URL('../../lambdas/stages/', import.meta.url));
const PROVIDER_REGISTRY = fileURLToPath(new URL('../../lambdas/composition/provider-registry.ts', import.meta.url));

/** Whether a stage's own code calls one of its StageDeps: which it uses is decided there, the bundle carries them all. */
function stageCalls(stageName: string, member: keyof StageDeps): boolean {
  const call = new RegExp(`\\bdeps\\.${member}\\(`);
  return readdirSync(path.join(STAGES_DIR, stageName)).some((file) =>
    call.test(readFileSync(path.join(STAGES_DIR, stageName, file), 'utf8')),
  );
}

/** What the provider registry imports on first use (the real profiles, sync.so), each with its SDK: any of them may load for a manifest's providers. */
const PROVIDER_MODULES = [...readFileSync(PROVIDER_REGISTRY, 'utf8').matchAll(/\bimport\('([^']+)'\)/g)].map((match) =>
  path.resolve(path.dirname(PROVIDER_REGISTRY), match[1]!).replace(/\.js$/, '.ts'),
);

let outdir: string;
let environments: Map<EnvironmentName, AssembledEnvironment>;

beforeAll(() => {
  outdir = mkdtempSync(path.join(os.tmpdir(), 'dramaforge-assembly-'));
  environments = new Map(
    assembleEnvironments(path.join(outdir, 'cdk.out')).map((environment) => [environment.name, environment]),
  );
}, 900_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

interface DeployedFunction {
  stageName: string;
  logicalId: string;
  resource: TemplateResource;
  codeDir: string;
  layerIds: string[];
}

const layerIdsOf = (resource: TemplateResource) =>
  ((resource.Properties.Layers as { Ref: string }[] | undefined) ?? []).map((layer) => layer.Ref);

/** The stack's own functions, one per stage, as the template deploys them. */
function stageFunctions(environment: AssembledEnvironment): DeployedFunction[] {
  return [...environment.stack.functions.values()].map((stage) => {
    const logicalId = logicalIdOf(stage.function);
    const resource = environment.template.Resources[logicalId]!;
    return {
      stageName: stage.spec.name,
      logicalId,
      resource,
      codeDir: environment.assetDirOf(logicalId),
      layerIds: layerIdsOf(resource),
    };
  });
}

/** The region Lambda would set: the stack's own, or any region for an environment-agnostic stack. */
const regionOf = (environment: AssembledEnvironment) =>
  Token.isUnresolved(environment.stack.region) ? 'us-east-1' : environment.stack.region;

describe.each(ENVIRONMENT_NAMES)('%s assembly', (name) => {
  it("fits every function in Lambda's 250 MB for its code and layers unzipped, and its 5 layers", () => {
    // Prepare
    const environment = environments.get(name)!;
    const functions = Object.entries(environment.template.Resources).filter(
      ([, resource]) => resource.Type === 'AWS::Lambda::Function',
    );

    // Act
    const sizes = functions.map(([logicalId, resource]) => {
      const inlineCode = (resource.Properties.Code as { ZipFile?: string }).ZipFile;
      const codeBytes =
        inlineCode === undefined ? directoryBytes(environment.assetDirOf(logicalId)) : Buffer.byteLength(inlineCode);
      const layerIds = layerIdsOf(resource);
      const unzippedBytes =
        codeBytes + layerIds.reduce((total, layerId) => total + directoryBytes(environment.assetDirOf(layerId)), 0);
      return { logicalId, unzippedBytes, layers: layerIds.length };
    });

    // Assess
    expect(sizes.length).toBeGreaterThanOrEqual(environment.stack.functions.size);
    expect(
      sizes.filter((size) => size.unzippedBytes > LAMBDA_QUOTAS.unzippedBytes || size.layers > LAMBDA_QUOTAS.layers),
    ).toEqual([]);
  });

  it('names no package in any bundle that neither the Node.js 24 runtime nor a layer of the stack provides', () => {
    // Prepare
    const environment = environments.get(name)!;
    const layerIds = Object.keys(environment.template.Resources).filter(
      (logicalId) => environment.template.Resources[logicalId]!.Type === 'AWS::Lambda::LayerVersion',
    );
    const inLayers = new Set(layerIds.flatMap((layerId) => [...layerPackages(environment.assetDirOf(layerId))]));

    // Act
    const unprovided = stageFunctions(environment).flatMap(({ stageName, codeDir }) =>
      [...packagesNamed(scanBundle(codeDir))]
        .filter((packageName) => !providedByRuntime(packageName) && !inLayers.has(packageName))
        .map((packageName) => `${stageName}: ${packageName}`),
    );

    // Assess
    expect(unprovided).toEqual([]);
  });

  /*
   * Every stage's bundle carries every adapter: the composition root imports them all, and
   * esbuild splits what loads on first use into chunks of their own. So every bundle names the
   * canvas and the openai client, and a bundle alone cannot say which its function's paths load;
   * giving each function every layer would put synthesize-voice at 5 layers and 99.8% of 250 MB.
   * What a function loads is derived instead from what decides it: each chunk that imports a
   * package of the layers it is given (the canvas with its fonts, for a function that draws), and,
   * for a stage whose code asks for its providers, the chunks of every module the provider registry
   * loads on first use (found by their source maps). Each is evaluated with the handler's entry
   * module in the function's Lambda layout: its code, its layers, its template environment.
   */
  it('starts each function cold, and loads what its layers and its providers need, from its code, its layers and its template environment alone', async () => {
    // Prepare
    const environment = environments.get(name)!;
    const probes = stageFunctions(environment).map(({ stageName, logicalId, resource, codeDir, layerIds }) => {
      const modules = scanBundle(codeDir);
      const packages = new Set(layerIds.flatMap((layerId) => [...layerPackages(environment.assetDirOf(layerId))]));
      const layerChunks = modules.filter((module) =>
        module.staticImports.some((specifier) => packages.has(packageOf(specifier) ?? '')),
      );
      const providerModules = stageCalls(stageName, 'providers') ? PROVIDER_MODULES : [];
      const providerChunks = modules.filter((module) =>
        providerModules.some((source) => module.sources.includes(source)),
      );
      const unfound = [
        ...(packages.size > 0 && layerChunks.length === 0 ? ['a chunk importing a package of its layers'] : []),
        ...providerModules
          .filter((source) => !providerChunks.some((module) => module.sources.includes(source)))
          .map((source) => `a chunk built from ${path.basename(path.dirname(source))}/${path.basename(source)}`),
      ];
      const layout = layOut(
        path.join(outdir, 'lambda', name, stageName),
        codeDir,
        layerIds.map((layerId) => environment.assetDirOf(layerId)),
      );
      const chunks = [
        ...new Set([...layerChunks, ...providerChunks].map((module) => path.relative(codeDir, module.file))),
      ];
      return {
        stageName,
        layout,
        chunks,
        unfound,
        env: lambdaEnvironment(logicalId, resource, regionOf(environment), layout),
      };
    });

    // Act
    const loads = [];
    for (const { stageName, layout, chunks, env } of probes) {
      for (const load of await loadModules(
        layout,
        ['index.mjs', ...chunks].map((file) => path.join(layout.taskDir, file)),
        env,
      )) {
        loads.push({ stageName, file: path.relative(layout.taskDir, load.file), error: load.error });
      }
    }

    // Assess
    expect(probes.flatMap((probe) => probe.unfound.map((missing) => `${probe.stageName}: no ${missing}`))).toEqual([]);
    expect(loads.filter((load) => load.error).map((load) => `${load.stageName}: ${load.file}: ${load.error}`)).toEqual(
      [],
    );
  }, 600_000);

  /*
   * Which functions reach the provider profiles comes from each stage's own code: the StageDeps
   * it calls (profileProblems to validate a manifest, providers to serve one). Which profiles,
   * from the manifest schema. What each needs, from running the profile check of
   * lambdas/composition/provider-registry.ts in the function's environment: its template's
   * variables and what Lambda sets (AWS_REGION). Every environment has the provider secret, so
   * every profile the schema accepts must be accepted by each of them.
   */
  it('lets each function that validates or serves provider profiles accept every profile and lip-sync provider the manifest offers, with its template environment', () => {
    // Prepare
    const environment = environments.get(name)!;
    const settings: Manifest['providers'][] = [
      ...PROVIDER_PROFILES.map((profile) => ({ profile })),
      ...LIP_SYNC_PROVIDERS.map((lipSync) => ({ profile: 'offline' as const, overrides: { lipSync } })),
    ];
    const functions = stageFunctions(environment).filter(
      ({ stageName }) => stageCalls(stageName, 'profileProblems') || stageCalls(stageName, 'providers'),
    );

    // Act
    const refused = functions.flatMap(({ stageName, logicalId, resource }) => {
      const deps = stageDepsFromEnv(lambdaEnvironment(logicalId, resource, regionOf(environment)));
      return settings.flatMap((providers) =>
        deps.profileProblems(providers).map((problem) => `${stageName}: ${problem.path}: ${problem.reason}`),
      );
    });

    // Assess
    expect(functions.map((deployed) => deployed.stageName)).toContain('validate-manifest');
    expect(refused).toEqual([]);
  });
});
