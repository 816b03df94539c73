import path from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ASSET_RESOURCE_METADATA_ENABLED_CONTEXT, ASSET_RESOURCE_METADATA_PATH_KEY } from 'aws-cdk-lib/cx-api';
import type { Construct } from 'constructs';
import { withAccountLimitsFromContext } from '../../lib/config/account-limits.js';
import { ENVIRONMENT_NAMES, type EnvironmentName } from '../../lib/config/environment-config.js';
import { ENVIRONMENTS } from '../../lib/config/environments.js';
import { FEATURE_FLAGS } from '../../lib/feature-flags.js';
import { DramaforgeStack, stackPropsFor } from '../../lib/stack.js';

/**
 * Synthesises one environment's stack as bin/app.ts does, once per test file.
 *
 * Bundling is skipped with CDK's own `aws:cdk:bundling-stacks` context (the mechanism
 * `cdk deploy <stack>` uses to bundle only what it deploys): every resource, property and
 * policy is still in the template, only the code assets are placeholders. `npm run synth`
 * does the real esbuild bundling and layer assembly.
 */
export interface SynthesizedEnvironment {
  app: App;
  stack: DramaforgeStack;
  template: Template;
}

const cache = new Map<string, SynthesizedEnvironment>();

/**
 * `target` pins the account and region as `cdk synth` does from the caller's AWS
 * config (CDK_DEFAULT_ACCOUNT/REGION); without it the stack is environment-agnostic.
 * `context` is what `cdk synth -c key=value` would add (the account limits, for one).
 */
export function synthesize(
  name: EnvironmentName,
  target?: { account: string; region: string },
  context: Record<string, string> = {},
): SynthesizedEnvironment {
  const key = JSON.stringify([name, target?.account, target?.region, context]);
  const cached = cache.get(key);
  if (cached) return cached;
  // CDK's built-in CloudFormation validation runs where the real templates are made (`npm run synth`, with cfn-lint
  // after it in CI); here it would start its WebAssembly engine in every test process, 8 s or more of each file's time.
  const app = new App({
    builtinCloudFormationValidation: false,
    context: { ...FEATURE_FLAGS, ...context, 'aws:cdk:bundling-stacks': [] },
  });
  const config = withAccountLimitsFromContext({ ...ENVIRONMENTS[name], ...target }, (contextKey) =>
    app.node.tryGetContext(contextKey),
  );
  const stack = new DramaforgeStack(app, config.stackName, stackPropsFor(config));
  const synthesized = { app, stack, template: Template.fromStack(stack) };
  cache.set(key, synthesized);
  return synthesized;
}

/** One environment of a cloud assembly synthesised with its real assets. */
export interface AssembledEnvironment {
  name: EnvironmentName;
  stack: DramaforgeStack;
  /** The template as `cdk deploy` uploads it. */
  template: { Resources: Record<string, TemplateResource> };
  /** The directory `cdk deploy` zips for a resource's code (a function's bundle, a layer's files). */
  assetDirOf(logicalId: string): string;
}

export interface TemplateResource {
  Type: string;
  Metadata?: Record<string, Json>;
  Properties: Record<string, Json>;
}

/**
 * Every environment synthesised as `npm run synth` does, with the real esbuild bundles and
 * layer files, into `outdir`: the assets there are the directories `cdk deploy` would zip and
 * upload. Each asset is bundled once and shared by the three stacks, as in cdk.out.
 */
export function assembleEnvironments(outdir: string): AssembledEnvironment[] {
  // The CDK CLI turns asset metadata on; it is what names each resource's directory in the assembly.
  const app = new App({ outdir, context: { ...FEATURE_FLAGS, [ASSET_RESOURCE_METADATA_ENABLED_CONTEXT]: true } });
  const stacks = ENVIRONMENT_NAMES.map((name) => {
    const config = ENVIRONMENTS[name];
    return { name, stack: new DramaforgeStack(app, config.stackName, stackPropsFor(config)) };
  });
  const assembly = app.synth();
  return stacks.map(({ name, stack }) => {
    const template = assembly.getStackByName(stack.stackName).template as AssembledEnvironment['template'];
    return {
      name,
      stack,
      template,
      assetDirOf(logicalId: string): string {
        const assetPath = template.Resources[logicalId]?.Metadata?.[ASSET_RESOURCE_METADATA_PATH_KEY];
        if (typeof assetPath !== 'string') throw new Error(`${logicalId} has no asset in the ${name} assembly`);
        return path.join(outdir, assetPath);
      },
    };
  });
}

export function logicalIdOf(construct: Construct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Resources of one type, by logical id. */
export function resourcesOfType(
  template: Template,
  type: string,
): Record<string, { Properties: Record<string, Json> }> {
  return template.findResources(type) as Record<string, { Properties: Record<string, Json> }>;
}

/** Every IAM statement in the template: inline role policies and managed/standalone policies. */
export function policyStatements(template: Template): { Effect: string; Action: string | string[]; Resource: Json }[] {
  const documents = [
    ...Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).map((policy) => policy.Properties.PolicyDocument),
    ...Object.values(resourcesOfType(template, 'AWS::IAM::ManagedPolicy')).map(
      (policy) => policy.Properties.PolicyDocument,
    ),
    ...Object.values(resourcesOfType(template, 'AWS::IAM::Role')).flatMap((role) =>
      ((role.Properties.Policies as { PolicyDocument: Json }[] | undefined) ?? []).map(
        (policy) => policy.PolicyDocument,
      ),
    ),
  ] as { Statement: { Effect: string; Action: string | string[]; Resource: Json }[] }[];
  return documents.flatMap((document) => document.Statement);
}

/** The statements of the default policy attached to one role. */
export function statementsOfRole(
  template: Template,
  roleLogicalId: string,
): { Effect: string; Action: string | string[]; Resource: Json }[] {
  return Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleLogicalId))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: never[] }).Statement);
}

export const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/**
 * A CloudFormation string built with Fn::Join, rendered with readable placeholders for
 * its references: `<<GetAtt:Id.Arn>>`, `<<Ref:Id>>`.
 */
export function renderJoin(value: Json): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, Json[]] })['Fn::Join'];
  if (!join) return placeholder(value);
  return join[1].map((part) => (typeof part === 'string' ? part : placeholder(part))).join(join[0]);
}

export function placeholder(reference: Json): string {
  const object = reference as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  if (object.Ref) return `<<Ref:${object.Ref}>>`;
  if (object['Fn::GetAtt']) return `<<GetAtt:${object['Fn::GetAtt'][0]}.${object['Fn::GetAtt'][1]}>>`;
  throw new Error(`unexpected reference ${JSON.stringify(reference)}`);
}
