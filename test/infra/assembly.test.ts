import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENT_NAMES, type EnvironmentName } from '../../lib/config/environment-config.js';
import { LAMBDA_QUOTAS, directoryBytes, layerPackages, packagesNamed, providedByRuntime, scanBundle } from './lambda-layout.js';
import { assembleEnvironments, logicalIdOf, type AssembledEnvironment, type TemplateResource } from './synthesize.js';

let outdir: string;
let environments: Map<EnvironmentName, AssembledEnvironment>;

beforeAll(() => {
  outdir = mkdtempSync(path.join(os.tmpdir(), 'dramaforge-assembly-'));
  environments = new Map(assembleEnvironments(path.join(outdir, 'cdk.out')).map((environment) => [environment.name, environment]));
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

const layerIdsOf = (resource: TemplateResource) => ((resource.Properties.Layers as { Ref: string }[] | undefined) ?? []).map((layer) => layer.Ref);

/** The stack's own functions, one per stage, as the template deploys them. */
function stageFunctions(environment: AssembledEnvironment): DeployedFunction[] {
  return [...environment.stack.functions.values()].map((stage) => {
    const logicalId = logicalIdOf(stage.function);
    const resource = environment.template.Resources[logicalId]!;
    return { stageName: stage.spec.name, logicalId, resource, codeDir: environment.assetDirOf(logicalId), layerIds: layerIdsOf(resource) };
  });
}

describe.each(ENVIRONMENT_NAMES)('%s assembly', (name) => {
  it('fits every function in Lambda\'s 250 MB for its code and layers unzipped, and its 5 layers', () => {
    // Prepare
    const environment = environments.get(name)!;
    const functions = Object.entries(environment.template.Resources).filter(([, resource]) => resource.Type === 'AWS::Lambda::Function');

    // Act
    const sizes = functions.map(([logicalId, resource]) => {
      const inlineCode = (resource.Properties.Code as { ZipFile?: string }).ZipFile;
      const codeBytes = inlineCode === undefined ? directoryBytes(environment.assetDirOf(logicalId)) : Buffer.byteLength(inlineCode);
      const layerIds = layerIdsOf(resource);
      const unzippedBytes = codeBytes + layerIds.reduce((total, layerId) => total + directoryBytes(environment.assetDirOf(layerId)), 0);
      return { logicalId, unzippedBytes, layers: layerIds.length };
    });

    // Assess
    expect(sizes.length).toBeGreaterThanOrEqual(environment.stack.functions.size);
    expect(sizes.filter((size) => size.unzippedBytes > LAMBDA_QUOTAS.unzippedBytes || size.layers > LAMBDA_QUOTAS.layers)).toEqual([]);
  });

  it('names no package in any bundle that neither the Node.js 24 runtime nor a layer of the stack provides', () => {
    // Prepare
    const environment = environments.get(name)!;
    const layerIds = Object.keys(environment.template.Resources).filter((logicalId) => environment.template.Resources[logicalId]!.Type === 'AWS::Lambda::LayerVersion');
    const inLayers = new Set(layerIds.flatMap((layerId) => [...layerPackages(environment.assetDirOf(layerId))]));

    // Act
    const unprovided = stageFunctions(environment).flatMap(({ stageName, codeDir }) =>
      [...packagesNamed(scanBundle(codeDir))].filter((packageName) => !providedByRuntime(packageName) && !inLayers.has(packageName)).map((packageName) => `${stageName}: ${packageName}`),
    );

    // Assess
    expect(unprovided).toEqual([]);
  });
});
