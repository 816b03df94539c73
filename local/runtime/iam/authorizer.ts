import {
  type CompiledPolicy,
  type ConditionContext,
  compilePolicy,
  evaluate,
  type PolicyType,
  type RequestPrincipal,
} from './policy-evaluation.js';
import type { RolePolicies, StackPolicies } from './stack-policies.js';

/**
 * Who calls: a function of the stack (as its role, in a session named after the function, as
 * Lambda names it), a state machine (as its role), any role of the stack in a named session, or
 * an AWS service acting on a resource's behalf (`cloudwatch.amazonaws.com` publishing an alarm).
 */
export type Caller =
  | { readonly function: string }
  | { readonly stateMachine: string }
  | { readonly role: string; readonly session: string }
  | { readonly service: string };

export interface AuthorizationRequest {
  readonly principal: Caller;
  /** `service:Operation`, as IAM names it (`s3:PutObject`). */
  readonly action: string;
  /** The ARN the action is on (`arn:aws:s3:::bucket/key`). */
  readonly resource: string;
  /** `aws:SecureTransport` is in every request's context in AWS, so it is required here. */
  readonly context: ConditionContext & { readonly 'aws:SecureTransport': 'true' | 'false' };
}

/** Why a request was refused, with what AWS's AccessDenied message says of it. */
export interface Denial {
  readonly callerArn: string;
  readonly action: string;
  readonly resource: string;
  readonly kind: 'explicit-deny' | 'implicit-deny';
  /** The policy type of the deny, or, for an implicit deny, the type of policy that would have had to allow it. */
  readonly policyType: PolicyType;
}

export type Authorization =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: string; readonly denial: Denial };

/** The caller is no function, state machine or role of the stack. */
export class UnknownCaller extends Error {
  override readonly name = 'UnknownCaller';
}

/** The resource a bucket policy is attached to is the bucket, and it governs the bucket's objects as well. */
function policyHolderOf(resource: string): string {
  const s3 = /^(arn:[^:]+:s3:::[^/]+)\//.exec(resource);
  return s3 ? s3[1]! : resource;
}

/**
 * Decides requests against a stack's permissions (`stackPolicies`) as IAM would: the caller's
 * role's policies and the resource policy of the resource, evaluated by `evaluate`. Every policy is
 * compiled when the authorizer is made, so a policy the evaluator does not implement fails there.
 */
export class Authorizer {
  private readonly rolePolicies = new Map<string, CompiledPolicy[]>();
  private readonly resourcePolicies = new Map<string, CompiledPolicy[]>();

  constructor(private readonly permissions: StackPolicies) {
    for (const role of permissions.roles.values())
      this.rolePolicies.set(
        role.name,
        role.policies.map((policy) => compilePolicy(policy, 'identity-based')),
      );
    for (const [holder, policies] of permissions.resourcePolicies) {
      this.resourcePolicies.set(
        holder,
        policies.map((policy) =>
          compilePolicy(
            { name: `${policy.name} (resource policy of ${holder})`, document: policy.document },
            'resource-based',
          ),
        ),
      );
    }
  }

  authorize(request: AuthorizationRequest): Authorization {
    const { principal, identityPolicies, callerArn } = this.caller(request.principal);
    const policies = [...identityPolicies, ...(this.resourcePolicies.get(policyHolderOf(request.resource)) ?? [])];
    const decision = evaluate(
      { principal, action: request.action, resource: request.resource, context: request.context },
      policies,
    );
    const about = { callerArn, action: request.action, resource: request.resource };
    switch (decision.decision) {
      case 'allow':
        return { allowed: true };
      case 'explicit-deny': {
        const { policy, policyType, sid, index } = decision.by;
        return {
          allowed: false,
          reason: `explicit deny in ${policyType} policy ${policy} (statement ${sid ?? index})`,
          denial: { ...about, kind: 'explicit-deny', policyType },
        };
      }
      case 'implicit-deny': {
        const policyType = principal.kind === 'service' ? 'resource-based' : 'identity-based';
        const which =
          principal.kind === 'service' ? 'resource-based policy' : 'identity-based or resource-based policy';
        return {
          allowed: false,
          reason: `no ${which} allows ${request.action} on ${request.resource}`,
          denial: { ...about, kind: 'implicit-deny', policyType },
        };
      }
    }
  }

  private caller(caller: Caller): {
    principal: RequestPrincipal;
    identityPolicies: CompiledPolicy[];
    callerArn: string;
  } {
    if ('service' in caller)
      return {
        principal: { kind: 'service', service: caller.service },
        identityPolicies: [],
        callerArn: caller.service,
      };
    const [role, session] = this.roleSession(caller);
    const sessionArn = `arn:${this.permissions.partition}:sts::${this.permissions.account}:assumed-role/${role.name}/${session}`;
    return {
      principal: { kind: 'iam', arn: role.arn, sessionArn, account: this.permissions.account },
      identityPolicies: this.rolePolicies.get(role.name)!,
      callerArn: sessionArn,
    };
  }

  private roleSession(caller: Exclude<Caller, { service: string }>): [RolePolicies, string] {
    if ('function' in caller) {
      const role = this.permissions.functionRoles.get(caller.function);
      if (!role) throw new UnknownCaller(`${caller.function} is no function of the stack`);
      return [role, caller.function];
    }
    if ('stateMachine' in caller) {
      const role = this.permissions.stateMachineRoles.get(caller.stateMachine);
      if (!role) throw new UnknownCaller(`${caller.stateMachine} is no state machine of the stack`);
      // Step Functions names its sessions itself; the machine's name stands in for that name.
      return [role, caller.stateMachine.split(':').at(-1)!];
    }
    const role = this.permissions.roles.get(caller.role);
    if (!role) throw new UnknownCaller(`${caller.role} is no role of the stack`);
    return [role, caller.session];
  }
}

/** The services whose refusals the twin answers, by the name their actions start with. */
export type DeniedService = 's3' | 'dynamodb' | 'sqs' | 'states' | 'secretsmanager' | 'lambda' | 'sns' | 'events';

export interface AccessDeniedError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

const DENIAL_ERRORS: Readonly<Record<DeniedService, { status: number; code: string }>> = {
  s3: { status: 403, code: 'AccessDenied' },
  sqs: { status: 403, code: 'AccessDenied' },
  dynamodb: { status: 400, code: 'AccessDeniedException' },
  states: { status: 400, code: 'AccessDeniedException' },
  secretsmanager: { status: 400, code: 'AccessDeniedException' },
  lambda: { status: 403, code: 'AccessDeniedException' },
  sns: { status: 403, code: 'AuthorizationError' },
  events: { status: 400, code: 'AccessDeniedException' },
};

/**
 * The error a service answers a refused request with, worded as AWS words it: `User: <session ARN>
 * is not authorized to perform: <action> on resource: <ARN> because no identity-based policy allows
 * the <action> action` (or `with an explicit deny in a resource-based policy`). S3 quotes the
 * resource; SQS writes the action in lower case.
 */
export function accessDeniedError(service: DeniedService, denial: Denial): AccessDeniedError {
  const action = service === 'sqs' ? denial.action.toLowerCase() : denial.action;
  const resource = service === 's3' ? `"${denial.resource}"` : denial.resource;
  const because =
    denial.kind === 'explicit-deny'
      ? `with an explicit deny in ${denial.policyType === 'identity-based' ? 'an' : 'a'} ${denial.policyType} policy`
      : `because no ${denial.policyType} policy allows the ${action} action`;
  return {
    ...DENIAL_ERRORS[service],
    message: `User: ${denial.callerArn} is not authorized to perform: ${action} on resource: ${resource} ${because}`,
  };
}
