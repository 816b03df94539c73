import { statSync } from 'node:fs';
import path from 'node:path';
import type { AssemblyStack, TemplateResource } from './cloud-assembly.js';
import { type ResourceReferences, resolveToString } from './intrinsics.js';

/** One Lambda function as the assembly deploys it, with its references resolved to the local engines. */
export interface LambdaFunctionDefinition {
  logicalId: string;
  /** The function's name: its `Ref` in the references, else its logical id. */
  functionName: string;
  /** The unzipped code asset: what Lambda puts at /var/task. */
  codeDirectory: string;
  /** The unzipped layer assets, in the function's order: Lambda extracts them into /opt in this order, a later one overwriting an earlier one's files. */
  layerDirectories: string[];
  handler: string;
  runtime: string;
  /** The Node.js major of `runtime` (nodejs24.x: 24). */
  nodeMajor: number;
  timeoutSeconds: number;
  memoryMb: number;
  ephemeralStorageMb: number;
  /** `ReservedConcurrentExecutions`, if the template reserves any. */
  reservedConcurrency?: number;
  environment: Record<string, string>;
}

/** The template's function cannot be run from the assembly as it is (not a function, no code asset, a runtime other than Node.js). */
export class FunctionNotRunnable extends Error {
  override readonly name = 'FunctionNotRunnable';
}

// Lambda's documented defaults for properties a template leaves out.
const DEFAULT_TIMEOUT_SECONDS = 3;
const DEFAULT_MEMORY_MB = 128;
const DEFAULT_EPHEMERAL_STORAGE_MB = 512;
const NODEJS_RUNTIME = /^nodejs(\d+)\.x$/;

function assetDirectory(stack: AssemblyStack, logicalId: string, resource: TemplateResource, what: string): string {
  const assetPath = resource.Metadata?.['aws:asset:path'];
  if (typeof assetPath !== 'string')
    throw new FunctionNotRunnable(
      `${what} ${logicalId} has no code asset in the assembly (no aws:asset:path metadata)`,
    );
  const directory = path.resolve(stack.directory, assetPath);
  let isDirectory = false;
  try {
    isDirectory = statSync(directory).isDirectory();
  } catch {
    throw new FunctionNotRunnable(
      `${what} ${logicalId}'s asset ${directory} is missing: synthesize the assembly with bundling (npm run synth)`,
    );
  }
  if (!isDirectory) throw new FunctionNotRunnable(`${what} ${logicalId}'s asset ${directory} is not a directory`);
  return directory;
}

function layerDirectory(stack: AssemblyStack, functionId: string, layer: unknown): string {
  const layerId = (layer as { Ref?: unknown }).Ref;
  const resource = typeof layerId === 'string' ? stack.template.Resources[layerId] : undefined;
  if (typeof layerId !== 'string' || resource?.Type !== 'AWS::Lambda::LayerVersion') {
    throw new FunctionNotRunnable(
      `function ${functionId} uses layer ${JSON.stringify(layer)}, which is not a layer of this stack`,
    );
  }
  return assetDirectory(stack, layerId, resource, 'layer');
}

function numberProperty(properties: Record<string, unknown>, name: string, fallback: number): number {
  const value = properties[name];
  return typeof value === 'number' ? value : fallback;
}

/**
 * Reads one function from a synthesized stack: its code and layer assets, handler, runtime,
 * limits and environment, every `Ref`/`Fn::GetAtt`/`Fn::Join`/`Fn::Sub` in the environment
 * resolved through `references`.
 */
export function functionDefinition(
  stack: AssemblyStack,
  logicalId: string,
  references: ResourceReferences,
): LambdaFunctionDefinition {
  const resource = stack.template.Resources[logicalId];
  if (resource?.Type !== 'AWS::Lambda::Function')
    throw new FunctionNotRunnable(`${logicalId} is not an AWS::Lambda::Function of this stack`);
  const properties = resource.Properties ?? {};
  const runtime = String(properties.Runtime);
  const nodeMajor = NODEJS_RUNTIME.exec(runtime)?.[1];
  if (!nodeMajor)
    throw new FunctionNotRunnable(`function ${logicalId} runs ${runtime}; the sandbox runs Node.js runtimes only`);
  if (typeof properties.Handler !== 'string') throw new FunctionNotRunnable(`function ${logicalId} has no Handler`);
  const variables = (properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  const reserved = properties.ReservedConcurrentExecutions;
  return {
    logicalId,
    functionName: references[logicalId]?.Ref ?? logicalId,
    codeDirectory: assetDirectory(stack, logicalId, resource, 'function'),
    layerDirectories: ((properties.Layers as unknown[] | undefined) ?? []).map((layer) =>
      layerDirectory(stack, logicalId, layer),
    ),
    handler: properties.Handler,
    runtime,
    nodeMajor: Number(nodeMajor),
    timeoutSeconds: numberProperty(properties, 'Timeout', DEFAULT_TIMEOUT_SECONDS),
    memoryMb: numberProperty(properties, 'MemorySize', DEFAULT_MEMORY_MB),
    ephemeralStorageMb:
      (properties.EphemeralStorage as { Size?: number } | undefined)?.Size ?? DEFAULT_EPHEMERAL_STORAGE_MB,
    ...(typeof reserved === 'number' ? { reservedConcurrency: reserved } : {}),
    environment: Object.fromEntries(
      Object.entries(variables).map(([name, value]) => [
        name,
        resolveToString(value, references, `function ${logicalId}, environment variable ${name}`),
      ]),
    ),
  };
}

/** The logical ids of a stack's functions on a Node.js runtime: those a sandbox can run. */
export function nodeFunctionIds(stack: AssemblyStack): string[] {
  return Object.entries(stack.template.Resources)
    .filter(
      ([, resource]) =>
        resource.Type === 'AWS::Lambda::Function' && NODEJS_RUNTIME.test(String(resource.Properties?.Runtime)),
    )
    .map(([logicalId]) => logicalId);
}
