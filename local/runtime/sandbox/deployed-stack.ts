import path from 'node:path';
import { type StackPolicies, stackPolicies } from '../iam/stack-policies.js';
import type { AssemblyStack, TemplateResource } from './cloud-assembly.js';
import { functionDefinition, type LambdaFunctionDefinition, nodeFunctionIds } from './function-definition.js';
import { type ResourceReferences, resolveToString } from './intrinsics.js';

/** What the local engines call the resources the stack deploys. */
export interface LocalStandIns {
  region: string;
  account: string;
  bucket: string;
  table: string;
  videoQueue: { url: string; arn: string; name: string };
  videoDeadLetterQueue: { url: string; arn: string; name: string };
  productionStateMachine: { arn: string; name: string };
  episodeStateMachine: { arn: string; name: string };
  /** The name a function of the template gets, as CloudFormation names one the template leaves unnamed: after its logical id. */
  functionName(logicalId: string): string;
  functionArn(functionName: string): string;
  /** The name a role of the template gets, as CloudFormation names one the template leaves unnamed. */
  roleName(logicalId: string): string;
}

/** A state machine as the stack deploys it: its definition file in the assembly and its substitutions, resolved locally. */
export interface DeployedStateMachine {
  definitionFile: string;
  substitutions: Record<string, string>;
}

/** The stack as the twin runs it: its Node.js functions (each cold-started on its first invocation), its two state machines and the video queue's event source mapping. */
export interface DeployedStack {
  functions: LambdaFunctionDefinition[];
  production: DeployedStateMachine;
  episode: DeployedStateMachine;
  videoWorker: { functionName: string; batchSize: number; maxConcurrency?: number };
  /** The function the manifest-upload rule targets (EventBridge, S3 Object Created under manifests/). */
  manifestTrigger: { functionName: string };
  /** The provider keys' secret, as its functions name it. */
  providerSecretArn: string;
  /** Every role of the stack with its policies, and its resource policies. */
  permissions: StackPolicies;
}

/** The assembly's stack lacks something the twin needs to run it (an output, a state machine, the video queue's event source). */
export class DeployedStackIncomplete extends Error {
  override readonly name = 'DeployedStackIncomplete';
}

/** The stack's outputs name its resources: the same contract a deployed stack gives its users. */
const OUTPUTS = {
  bucket: 'BucketName',
  table: 'TableName',
  productionStateMachine: 'StateMachineArn',
  episodeStateMachine: 'EpisodeStateMachineArn',
  videoQueue: 'VideoQueueUrl',
  providerSecret: 'ProviderSecretArn',
} as const;

interface StackTemplate {
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, { Value: unknown }>;
}

function outputResource(template: StackTemplate, output: string): string {
  const value = template.Outputs?.[output]?.Value as { Ref?: string; 'Fn::GetAtt'?: [string, string] } | undefined;
  const logicalId = value?.Ref ?? value?.['Fn::GetAtt']?.[0];
  if (!logicalId) throw new DeployedStackIncomplete(`the stack has no output ${output} naming a resource of its own`);
  return logicalId;
}

/** A resource the engines do not stand in for still gets a name and an ARN of its kind, so a variable that names it resolves. */
function placeholderReferences(type: string, logicalId: string, standIns: LocalStandIns): Record<string, string> {
  const { region, account } = standIns;
  const service = type.split('::')[1]!.toLowerCase();
  const arn = `arn:aws:${service}:${region}:${account}:${logicalId}`;
  switch (type) {
    case 'AWS::S3::Bucket':
      return { Ref: logicalId.toLowerCase(), Arn: `arn:aws:s3:::${logicalId.toLowerCase()}` };
    case 'AWS::SecretsManager::Secret':
      return { Ref: `arn:aws:secretsmanager:${region}:${account}:secret:${logicalId}`, Id: logicalId };
    case 'AWS::SNS::Topic':
      return {
        Ref: `arn:aws:sns:${region}:${account}:${logicalId}`,
        TopicArn: `arn:aws:sns:${region}:${account}:${logicalId}`,
        TopicName: logicalId,
      };
    case 'AWS::SQS::Queue':
      return {
        Ref: `http://sqs.local/${account}/${logicalId}`,
        Arn: `arn:aws:sqs:${region}:${account}:${logicalId}`,
        QueueName: logicalId,
      };
    default:
      return { Ref: logicalId, Arn: arn };
  }
}

/**
 * The values each of the stack's resources would have once deployed, with the engines' names
 * for those they stand in for: the bucket, table, video queues, state machines and the stage
 * functions. Everything else gets a name and ARN of its kind, so that any variable naming it resolves.
 */
export function localReferences(stack: AssemblyStack, standIns: LocalStandIns): ResourceReferences {
  const template = stack.template as StackTemplate;
  const references: Record<string, Record<string, string>> = {
    'AWS::Region': { Ref: standIns.region },
    'AWS::AccountId': { Ref: standIns.account },
    'AWS::Partition': { Ref: 'aws' },
    'AWS::URLSuffix': { Ref: 'amazonaws.com' },
    'AWS::NoValue': { Ref: '' },
  };
  for (const [logicalId, resource] of Object.entries(template.Resources))
    references[logicalId] = placeholderReferences(resource.Type, logicalId, standIns);

  const videoQueueId = outputResource(template, OUTPUTS.videoQueue);
  const redrive = template.Resources[videoQueueId]?.Properties?.RedrivePolicy as
    | { deadLetterTargetArn?: { 'Fn::GetAtt'?: [string, string] } }
    | undefined;
  const deadLetterId = redrive?.deadLetterTargetArn?.['Fn::GetAtt']?.[0];
  if (!deadLetterId)
    throw new DeployedStackIncomplete(`the video queue ${videoQueueId} has no dead-letter queue in its RedrivePolicy`);
  const queue = (q: LocalStandIns['videoQueue']) => ({ Ref: q.url, Arn: q.arn, QueueName: q.name, QueueUrl: q.url });
  const machine = (m: LocalStandIns['productionStateMachine']) => ({ Ref: m.arn, Arn: m.arn, Name: m.name });
  Object.assign(references, {
    [outputResource(template, OUTPUTS.bucket)]: { Ref: standIns.bucket, Arn: `arn:aws:s3:::${standIns.bucket}` },
    [outputResource(template, OUTPUTS.table)]: {
      Ref: standIns.table,
      Arn: `arn:aws:dynamodb:${standIns.region}:${standIns.account}:table/${standIns.table}`,
    },
    [videoQueueId]: queue(standIns.videoQueue),
    [deadLetterId]: queue(standIns.videoDeadLetterQueue),
    [outputResource(template, OUTPUTS.productionStateMachine)]: machine(standIns.productionStateMachine),
    [outputResource(template, OUTPUTS.episodeStateMachine)]: machine(standIns.episodeStateMachine),
  });
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const functionName = standIns.functionName(logicalId);
    references[logicalId] = { Ref: functionName, Arn: standIns.functionArn(functionName) };
  }
  return references;
}

function deployedStateMachine(
  stack: AssemblyStack,
  logicalId: string,
  references: ResourceReferences,
): DeployedStateMachine {
  const properties = stack.template.Resources[logicalId]?.Properties ?? {};
  const location = properties.DefinitionS3Location as { Key?: unknown } | undefined;
  if (typeof location?.Key !== 'string')
    throw new DeployedStackIncomplete(
      `state machine ${logicalId} has no definition asset (DefinitionS3Location) in the assembly`,
    );
  const substitutions = (properties.DefinitionSubstitutions as Record<string, unknown> | undefined) ?? {};
  return {
    definitionFile: path.join(stack.directory, `asset.${location.Key}`),
    substitutions: Object.fromEntries(
      Object.entries(substitutions).map(([name, value]) => [
        name,
        resolveToString(value, references, `state machine ${logicalId}, substitution ${name}`),
      ]),
    ),
  };
}

/** Reads what the twin runs of a stack: every stage function, both state machines and the video worker's event source mapping. */
export function deployedStack(stack: AssemblyStack, standIns: LocalStandIns): DeployedStack {
  const template = stack.template as StackTemplate;
  const references = localReferences(stack, standIns);
  const videoQueueId = outputResource(template, OUTPUTS.videoQueue);
  const mapping = Object.values(template.Resources).find(
    (resource) =>
      resource.Type === 'AWS::Lambda::EventSourceMapping' &&
      (resource.Properties?.EventSourceArn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0] ===
        videoQueueId,
  );
  if (!mapping) throw new DeployedStackIncomplete(`no event source mapping reads the video queue ${videoQueueId}`);
  const bucketId = outputResource(template, OUTPUTS.bucket);
  const rule = Object.values(template.Resources).find(
    (resource) =>
      resource.Type === 'AWS::Events::Rule' &&
      JSON.stringify(
        (resource.Properties?.EventPattern as { detail?: { bucket?: unknown } } | undefined)?.detail?.bucket ?? null,
      ).includes(`"${bucketId}"`),
  );
  const ruleTarget = (rule?.Properties?.Targets as { Arn?: unknown }[] | undefined)?.[0]?.Arn;
  if (ruleTarget === undefined)
    throw new DeployedStackIncomplete(`no EventBridge rule on the bucket ${bucketId}'s uploads targets a function`);
  const triggerArn = resolveToString(ruleTarget, references, 'the manifest upload rule, target');
  const mapped = mapping.Properties!;
  return {
    functions: nodeFunctionIds(stack).map((logicalId) => functionDefinition(stack, logicalId, references)),
    production: deployedStateMachine(stack, outputResource(template, OUTPUTS.productionStateMachine), references),
    episode: deployedStateMachine(stack, outputResource(template, OUTPUTS.episodeStateMachine), references),
    manifestTrigger: { functionName: triggerArn.slice(triggerArn.lastIndexOf(':') + 1) },
    providerSecretArn: references[outputResource(template, OUTPUTS.providerSecret)]!.Ref!,
    permissions: stackPolicies(stack, references, { roleName: standIns.roleName }),
    videoWorker: {
      functionName: resolveToString(
        mapped.FunctionName,
        references,
        'the video queue event source mapping, FunctionName',
      ),
      batchSize: typeof mapped.BatchSize === 'number' ? mapped.BatchSize : 10,
      ...(typeof (mapped.ScalingConfig as { MaximumConcurrency?: unknown } | undefined)?.MaximumConcurrency === 'number'
        ? { maxConcurrency: (mapped.ScalingConfig as { MaximumConcurrency: number }).MaximumConcurrency }
        : {}),
    },
  };
}
