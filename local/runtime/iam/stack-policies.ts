import type { AssemblyStack, TemplateResource } from '../sandbox/cloud-assembly.js';
import { type ResourceReferences, resolveToString } from '../sandbox/intrinsics.js';
import type { NamedPolicy, PolicyDocument } from './policy-evaluation.js';

/** One IAM role of the stack and every policy attached to it, its intrinsics resolved. */
export interface RolePolicies {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly policies: readonly NamedPolicy[];
}

/**
 * The permissions a stack deploys, as the local engines name its resources: each function's and
 * each state machine's role, and the resource policies of its buckets, queues and topics.
 */
export interface StackPolicies {
  readonly account: string;
  readonly partition: string;
  /** By role name. */
  readonly roles: ReadonlyMap<string, RolePolicies>;
  /** By function name. */
  readonly functionRoles: ReadonlyMap<string, RolePolicies>;
  /** By state machine ARN. */
  readonly stateMachineRoles: ReadonlyMap<string, RolePolicies>;
  /** By the ARN of the bucket, queue or topic the policies are attached to. */
  readonly resourcePolicies: ReadonlyMap<string, readonly NamedPolicy[]>;
}

/** The template attaches a policy this module cannot read: an AWS managed policy it does not know, or a role it cannot find. */
export class UnreadablePermissions extends Error {
  override readonly name = 'UnreadablePermissions';
}

export interface RoleNaming {
  /** The name the role of that logical id has locally, as `LocalStandIns.functionName` names functions. */
  roleName(logicalId: string): string;
}

/**
 * The AWS managed policies the templates attach, with the part of their document the twin
 * evaluates. AWSLambdaBasicExecutionRole grants CloudWatch Logs only, which no engine stands in for.
 */
const AWS_MANAGED_POLICIES: Readonly<Record<string, PolicyDocument>> = {
  'service-role/AWSLambdaBasicExecutionRole': {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' },
    ],
  },
};

const isIntrinsic = (value: object) => {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'));
};

/** A policy document with every intrinsic in it resolved to a string, as CloudFormation hands it to IAM. */
function resolveDocument(value: unknown, references: ResourceReferences, where: string): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveDocument(item, references, where));
  if (value === null || typeof value !== 'object') return value;
  if (isIntrinsic(value)) return resolveToString(value, references, where);
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, resolveDocument(item, references, where)]),
  );
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

const refOf = (value: unknown) =>
  value !== null && typeof value === 'object' ? (value as { Ref?: unknown }).Ref : undefined;

function resourcesOfType(stack: AssemblyStack, type: string): [string, TemplateResource][] {
  return Object.entries(stack.template.Resources).filter(([, resource]) => resource.Type === type);
}

/**
 * The stack's references with the IAM resources named as IAM names them: a role's `Arn` is
 * `arn:aws:iam::<account>:role/<name>`, a managed policy's `Ref` its ARN.
 */
function iamReferences(
  stack: AssemblyStack,
  references: ResourceReferences,
  naming: RoleNaming,
  partition: string,
  account: string,
): ResourceReferences {
  const iam: Record<string, Record<string, string>> = {};
  for (const [logicalId] of resourcesOfType(stack, 'AWS::IAM::Role')) {
    const name = naming.roleName(logicalId);
    iam[logicalId] = { Ref: name, Arn: `arn:${partition}:iam::${account}:role/${name}` };
  }
  for (const [logicalId] of resourcesOfType(stack, 'AWS::IAM::ManagedPolicy'))
    iam[logicalId] = { Ref: `arn:${partition}:iam::${account}:policy/${logicalId}` };
  return { ...references, ...iam };
}

function rolePolicies(
  stack: AssemblyStack,
  roleId: string,
  references: ResourceReferences,
  partition: string,
): NamedPolicy[] {
  const role = stack.template.Resources[roleId]!.Properties ?? {};
  const policy = (name: string, document: unknown): NamedPolicy => ({
    name,
    document: resolveDocument(document, references, `policy ${name} of role ${roleId}`) as PolicyDocument,
  });
  const attachedTo = (resource: TemplateResource) =>
    asList(resource.Properties?.Roles).some((attached) => refOf(attached) === roleId);

  const inline = asList(role.Policies).map((entry) => {
    const { PolicyName, PolicyDocument } = entry as { PolicyName: string; PolicyDocument: unknown };
    return policy(`${roleId}/${PolicyName}`, PolicyDocument);
  });
  const standalone = [
    ...resourcesOfType(stack, 'AWS::IAM::Policy'),
    ...resourcesOfType(stack, 'AWS::IAM::ManagedPolicy'),
  ]
    .filter(([, resource]) => attachedTo(resource))
    .map(([logicalId, resource]) => policy(logicalId, resource.Properties!.PolicyDocument));
  const managed = asList(role.ManagedPolicyArns).map((entry) => {
    const logicalId = refOf(entry);
    const ownPolicy = typeof logicalId === 'string' ? stack.template.Resources[logicalId] : undefined;
    if (ownPolicy?.Type === 'AWS::IAM::ManagedPolicy')
      return policy(logicalId as string, ownPolicy.Properties!.PolicyDocument);
    const arn = resolveToString(entry, references, `a managed policy of role ${roleId}`);
    const awsManaged = arn.startsWith(`arn:${partition}:iam::aws:policy/`)
      ? AWS_MANAGED_POLICIES[arn.slice(`arn:${partition}:iam::aws:policy/`.length)]
      : undefined;
    if (!awsManaged)
      throw new UnreadablePermissions(
        `role ${roleId} attaches ${arn}, a managed policy that is neither the stack's own nor one the twin knows (${Object.keys(AWS_MANAGED_POLICIES).join(', ')})`,
      );
    return { name: arn, document: awsManaged };
  });
  return [...inline, ...standalone, ...managed];
}

/** ARNs of the resources a bucket, queue or topic policy is attached to. */
function policyTargets(
  resource: TemplateResource,
  references: ResourceReferences,
  partition: string,
  where: string,
): string[] {
  const properties = resource.Properties ?? {};
  switch (resource.Type) {
    case 'AWS::S3::BucketPolicy':
      return [`arn:${partition}:s3:::${resolveToString(properties.Bucket, references, where)}`];
    case 'AWS::SQS::QueuePolicy':
      // Queues lists queue URLs; the policy's resource is the queue's ARN.
      return asList(properties.Queues).map((queue) => {
        const queueId = refOf(queue);
        if (typeof queueId !== 'string')
          throw new UnreadablePermissions(
            `${where} names a queue by ${JSON.stringify(queue)}, not by a Ref to a queue of the stack`,
          );
        return resolveToString({ 'Fn::GetAtt': [queueId, 'Arn'] }, references, where);
      });
    default:
      return asList(properties.Topics).map((topic) => resolveToString(topic, references, where));
  }
}

const RESOURCE_POLICY_TYPES = ['AWS::S3::BucketPolicy', 'AWS::SQS::QueuePolicy', 'AWS::SNS::TopicPolicy'];

/**
 * Reads a synthesized stack's permissions: every Lambda function's and state machine's role with
 * its inline policies, the `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` resources attached to
 * it, and its `ManagedPolicyArns`; and every bucket, queue and topic policy, keyed by the ARN of
 * the resource it is attached to. `references` are the local engines' names (`localReferences`).
 */
export function stackPolicies(stack: AssemblyStack, references: ResourceReferences, naming: RoleNaming): StackPolicies {
  const partition = resolveToString({ Ref: 'AWS::Partition' }, references, 'the partition');
  const account = resolveToString({ Ref: 'AWS::AccountId' }, references, 'the account');
  const resolved = iamReferences(stack, references, naming, partition, account);

  const roles = new Map<string, RolePolicies>();
  for (const [logicalId] of resourcesOfType(stack, 'AWS::IAM::Role')) {
    const { Ref: name, Arn: arn } = resolved[logicalId]!;
    roles.set(name!, {
      logicalId,
      name: name!,
      arn: arn!,
      policies: rolePolicies(stack, logicalId, resolved, partition),
    });
  }
  const rolesByArn = new Map([...roles.values()].map((role) => [role.arn, role]));
  const roleOf = (roleArn: unknown, where: string): RolePolicies => {
    const arn = resolveToString(roleArn, resolved, where);
    const role = rolesByArn.get(arn);
    if (!role) throw new UnreadablePermissions(`${where} is ${arn}, which is no role of the stack`);
    return role;
  };

  const functionRoles = new Map(
    resourcesOfType(stack, 'AWS::Lambda::Function').map(([logicalId, resource]) => [
      resolveToString({ Ref: logicalId }, resolved, `the name of function ${logicalId}`),
      roleOf(resource.Properties?.Role, `the role of function ${logicalId}`),
    ]),
  );
  const stateMachineRoles = new Map(
    resourcesOfType(stack, 'AWS::StepFunctions::StateMachine').map(([logicalId, resource]) => [
      resolveToString({ Ref: logicalId }, resolved, `the ARN of state machine ${logicalId}`),
      roleOf(resource.Properties?.RoleArn, `the role of state machine ${logicalId}`),
    ]),
  );

  const resourcePolicies = new Map<string, NamedPolicy[]>();
  for (const [logicalId, resource] of Object.entries(stack.template.Resources).filter(([, candidate]) =>
    RESOURCE_POLICY_TYPES.includes(candidate.Type),
  )) {
    const document = resolveDocument(
      resource.Properties?.PolicyDocument,
      resolved,
      `resource policy ${logicalId}`,
    ) as PolicyDocument;
    for (const target of policyTargets(resource, resolved, partition, `resource policy ${logicalId}`)) {
      resourcePolicies.set(target, [...(resourcePolicies.get(target) ?? []), { name: logicalId, document }]);
    }
  }
  return { account, partition, roles, functionRoles, stateMachineRoles, resourcePolicies };
}
