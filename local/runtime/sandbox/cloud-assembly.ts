import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface CloudFormationTemplate {
  Resources: Record<string, TemplateResource>;
}

/** One stack of a synthesized cloud assembly: its template, and the directory its asset paths are relative to. */
export interface AssemblyStack {
  directory: string;
  template: CloudFormationTemplate;
}

/** The assembly has no such stack, or is not a cloud assembly. */
export class AssemblyStackNotFound extends Error {
  override readonly name = 'AssemblyStackNotFound';
}

interface AssemblyManifest {
  artifacts?: Record<string, { type: string; properties?: { templateFile?: string } }>;
}

/** Reads a stack's template from a cdk.out directory, through its manifest.json as the CDK CLI does. */
export function readAssemblyStack(cdkOutDirectory: string, stackName: string): AssemblyStack {
  let manifest: AssemblyManifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(cdkOutDirectory, 'manifest.json'), 'utf8')) as AssemblyManifest;
  } catch (error) {
    throw new AssemblyStackNotFound(
      `${cdkOutDirectory} is not a cloud assembly (no readable manifest.json: ${(error as Error).message})`,
    );
  }
  const stacks = Object.entries(manifest.artifacts ?? {}).filter(
    ([, artifact]) => artifact.type === 'aws:cloudformation:stack',
  );
  const templateFile = stacks.find(([name]) => name === stackName)?.[1].properties?.templateFile;
  if (!templateFile)
    throw new AssemblyStackNotFound(
      `${cdkOutDirectory} has no stack ${stackName} (it has ${stacks.map(([name]) => name).join(', ') || 'none'})`,
    );
  const template = JSON.parse(readFileSync(path.join(cdkOutDirectory, templateFile), 'utf8')) as CloudFormationTemplate;
  return { directory: cdkOutDirectory, template };
}
