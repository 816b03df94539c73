/**
 * AWS's policy evaluation logic for requests within one account, for the part of the policy
 * language the stack's templates use (see docs/twin.md, "Roles enforced"): identity-based and
 * resource-based policies, `Action`/`NotAction`, `Resource`/`NotResource`, `Principal` as `*`,
 * `AWS` or `Service`, and the string, ARN, Bool and Null condition operators with their
 * `IfExists` forms and the `ForAllValues:`/`ForAnyValue:` set qualifiers.
 *
 * A policy that uses anything else is refused when it is compiled (`UnsupportedPolicy`), so that
 * nothing is evaluated by rules this module does not implement.
 */

export type Effect = 'Allow' | 'Deny';
type OneOrMany<T> = T | readonly T[];

/** A statement as IAM stores it, with every CloudFormation intrinsic already resolved. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: Effect;
  readonly Action?: OneOrMany<string>;
  readonly NotAction?: OneOrMany<string>;
  readonly Resource?: OneOrMany<string>;
  readonly NotResource?: OneOrMany<string>;
  readonly Principal?: '*' | Readonly<Record<string, OneOrMany<string>>>;
  readonly NotPrincipal?: unknown;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, OneOrMany<string | boolean>>>>>;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Id?: string;
  readonly Statement: OneOrMany<PolicyStatement>;
}

export type PolicyType = 'identity-based' | 'resource-based';

/** A policy and the name a decision gives it (`RecordSceneOutcomeRoleDefaultPolicyCA9C8EDD`, `bucket policy of arn:aws:s3:::assets`). */
export interface NamedPolicy {
  readonly name: string;
  readonly document: PolicyDocument;
}

/** A policy uses a part of the policy language this evaluator does not implement, or is malformed. */
export class UnsupportedPolicy extends Error {
  override readonly name = 'UnsupportedPolicy';
  constructor(
    readonly policy: string,
    readonly statement: number,
    reason: string,
  ) {
    super(`${policy}, statement ${statement}: ${reason}`);
  }
}

/**
 * Who makes the request. An IAM principal is named in resource policies by `arn` (a role's or a
 * user's ARN) or, for a role session, by its `sessionArn` (`arn:aws:sts::…:assumed-role/role/session`).
 * A service principal (`cloudwatch.amazonaws.com`) has no identity-based policies.
 */
export type RequestPrincipal =
  | { readonly kind: 'iam'; readonly arn: string; readonly sessionArn?: string; readonly account: string }
  | { readonly kind: 'service'; readonly service: string };

/** The request context: condition keys are matched case-insensitively, as IAM matches them. */
export type ConditionContext = Readonly<Record<string, string | readonly string[]>>;

export interface EvaluationRequest {
  readonly principal: RequestPrincipal;
  readonly action: string;
  readonly resource: string;
  readonly context: ConditionContext;
}

/** The statement a decision rests on: its policy, the policy's type, and its position (and Sid) in the policy. */
export interface DecidingStatement {
  readonly policy: string;
  readonly policyType: PolicyType;
  readonly index: number;
  readonly sid?: string;
}

export type Decision =
  | { readonly decision: 'allow'; readonly by: DecidingStatement }
  | { readonly decision: 'explicit-deny'; readonly by: DecidingStatement }
  | { readonly decision: 'implicit-deny' };

type ValueTest = (values: readonly string[] | undefined) => boolean;

interface CompiledStatement {
  readonly effect: Effect;
  readonly by: DecidingStatement;
  readonly action: (action: string) => boolean;
  readonly resource: (resource: string) => boolean;
  /** Resource-based statements only: whether the statement names the principal, and whether an Allow of it suffices on its own. */
  readonly principal?: (principal: RequestPrincipal) => 'named' | 'account' | 'not-named';
  readonly conditions: readonly { key: string; test: ValueTest }[];
}

/** A policy checked against the supported language and turned into matchers, once, for many evaluations. */
export interface CompiledPolicy {
  readonly name: string;
  readonly policyType: PolicyType;
  readonly statements: readonly CompiledStatement[];
}

const asList = <T>(value: OneOrMany<T>): readonly T[] =>
  Array.isArray(value) ? (value as readonly T[]) : [value as T];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `*` any run of characters, `?` any one character; everything else literal. */
function globPattern(pattern: string, flags = ''): RegExp {
  return new RegExp(
    `^${pattern
      .split('')
      .map((character) => (character === '*' ? '.*' : character === '?' ? '.' : escapeRegExp(character)))
      .join('')}$`,
    `s${flags}`,
  );
}

/**
 * A Resource element's ARN pattern. Wildcards match within a colon-delimited segment, except that
 * a `*` ending a segment may expand beyond the colons (the IAM User Guide, "Using wildcards in
 * resource ARNs"): so `bucket/*` matches every key, colons included.
 */
function resourcePattern(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const character = pattern[index]!;
    const endsSegment = index === pattern.length - 1 || pattern[index + 1] === ':';
    if (character === '*') source += endsSegment ? '.*' : '[^:]*';
    else if (character === '?') source += '[^:]';
    else source += escapeRegExp(character);
  }
  return new RegExp(`^${source}$`, 's');
}

/** The six colon-delimited components of an ARN, the last keeping any further colons. */
function arnComponents(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** ArnEquals and ArnLike: each of the six components matched on its own, wildcards allowed, case-sensitive. */
function arnMatches(value: string, pattern: string): boolean {
  const valueParts = arnComponents(value);
  const patternParts = arnComponents(pattern);
  if (!valueParts || !patternParts) return false;
  return patternParts.every((part, index) => globPattern(part).test(valueParts[index]!));
}

interface BaseOperator {
  readonly negated: boolean;
  readonly matches: (requestValue: string, policyValue: string) => boolean;
}

const BASE_OPERATORS: Readonly<Record<string, BaseOperator>> = {
  StringEquals: { negated: false, matches: (value, policy) => value === policy },
  StringNotEquals: { negated: true, matches: (value, policy) => value === policy },
  StringEqualsIgnoreCase: { negated: false, matches: (value, policy) => value.toLowerCase() === policy.toLowerCase() },
  StringNotEqualsIgnoreCase: {
    negated: true,
    matches: (value, policy) => value.toLowerCase() === policy.toLowerCase(),
  },
  StringLike: { negated: false, matches: (value, policy) => globPattern(policy).test(value) },
  StringNotLike: { negated: true, matches: (value, policy) => globPattern(policy).test(value) },
  ArnEquals: { negated: false, matches: arnMatches },
  ArnLike: { negated: false, matches: arnMatches },
  ArnNotEquals: { negated: true, matches: arnMatches },
  ArnNotLike: { negated: true, matches: arnMatches },
  Bool: { negated: false, matches: (value, policy) => value.toLowerCase() === policy.toLowerCase() },
};

const OPERATOR_SYNTAX = /^(?:(ForAllValues|ForAnyValue):)?([A-Za-z]+?)(IfExists)?$/;

/**
 * One condition operator applied to one key (the IAM User Guide, "Condition operators" and
 * "Creating a condition with multiple keys or values"):
 * - a key missing from the request fails a positive operator and satisfies a negated one, unless
 *   the operator ends in `IfExists` (then it is satisfied), or is qualified: `ForAllValues` is then
 *   satisfied and `ForAnyValue` is not;
 * - the policy's values are alternatives: a positive operator matches a request value equal to any
 *   of them, a negated one a request value equal to none;
 * - `ForAllValues` needs every request value to match, `ForAnyValue` one of them.
 */
function conditionTest(operator: string, policyValues: readonly string[], fail: (reason: string) => never): ValueTest {
  const [, qualifier, baseName, ifExists] = OPERATOR_SYNTAX.exec(operator) ?? [];
  if (baseName === 'Null') {
    if (qualifier || ifExists) fail(`the Null operator takes neither a set qualifier nor IfExists (${operator})`);
    return (values) =>
      policyValues.some(
        (expected) => (expected.toLowerCase() === 'true') === (values === undefined || values.length === 0),
      );
  }
  const base = baseName === undefined ? undefined : BASE_OPERATORS[baseName];
  if (!base)
    fail(
      `the condition operator ${operator} is not one this evaluator implements (${Object.keys(BASE_OPERATORS).join(', ')}, Null)`,
    );
  const valueSatisfies = (value: string) =>
    policyValues.some((expected) => base.matches(value, expected)) !== base.negated;
  return (values) => {
    if (values === undefined || values.length === 0) {
      if (ifExists) return true;
      if (qualifier === 'ForAllValues') return true;
      if (qualifier === 'ForAnyValue') return false;
      return base.negated;
    }
    if (qualifier === 'ForAllValues') return values.every(valueSatisfies);
    if (qualifier === 'ForAnyValue') return values.some(valueSatisfies);
    return base.negated ? values.every(valueSatisfies) : values.some(valueSatisfies);
  };
}

function principalTest(
  principal: PolicyStatement['Principal'],
  fail: (reason: string) => never,
): NonNullable<CompiledStatement['principal']> {
  if (principal === '*') return () => 'named';
  if (principal === undefined || typeof principal !== 'object')
    fail('a resource-based policy statement needs a Principal');
  const named = { aws: [] as string[], services: [] as string[] };
  for (const [type, values] of Object.entries(principal)) {
    if (type === 'AWS') named.aws.push(...asList(values));
    else if (type === 'Service') named.services.push(...asList(values));
    else fail(`Principal type ${type} is not one this evaluator implements (AWS, Service)`);
  }
  return (requester) => {
    if (named.aws.includes('*')) return 'named';
    if (requester.kind === 'service') return named.services.includes(requester.service) ? 'named' : 'not-named';
    if (named.aws.some((value) => value === requester.arn || value === requester.sessionArn)) return 'named';
    // The account (its ID or root ARN) as principal delegates to the account's own IAM policies.
    const accountRoot = `arn:${requester.arn.split(':')[1]}:iam::${requester.account}:root`;
    return named.aws.some((value) => value === requester.account || value === accountRoot) ? 'account' : 'not-named';
  };
}

function compileStatement(
  statement: PolicyStatement,
  index: number,
  policy: string,
  policyType: PolicyType,
): CompiledStatement {
  const fail = (reason: string): never => {
    throw new UnsupportedPolicy(policy, index, reason);
  };
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny')
    fail(`Effect must be Allow or Deny, not ${JSON.stringify(statement.Effect)}`);
  if ((statement.Action === undefined) === (statement.NotAction === undefined))
    fail('a statement needs exactly one of Action and NotAction');
  if ((statement.Resource === undefined) === (statement.NotResource === undefined))
    fail('a statement needs exactly one of Resource and NotResource');
  if (statement.NotPrincipal !== undefined) fail('NotPrincipal is not implemented');
  if (policyType === 'identity-based' && statement.Principal !== undefined)
    fail('an identity-based policy statement names no Principal');

  const strings = [
    ...asList(statement.Resource ?? statement.NotResource ?? []),
    ...Object.values(statement.Condition ?? {}).flatMap((keys) => Object.values(keys).flatMap(asList)),
  ];
  if (strings.some((value) => typeof value === 'string' && value.includes('${')))
    fail('policy variables (${…}) are not implemented');

  const actionPatterns = asList(statement.Action ?? statement.NotAction!).map((pattern) => {
    if (pattern !== '*' && !/^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/.test(pattern))
      fail(`${JSON.stringify(pattern)} is not an action (service:Action)`);
    return globPattern(pattern, 'i');
  });
  const actionNegated = statement.Action === undefined;
  const resourcePatterns = asList(statement.Resource ?? statement.NotResource!).map((pattern) =>
    resourcePattern(pattern),
  );
  const resourceNegated = statement.Resource === undefined;

  const conditions = Object.entries(statement.Condition ?? {}).flatMap(([operator, keys]) =>
    Object.entries(keys).map(([key, values]) => ({
      key: key.toLowerCase(),
      test: conditionTest(operator, asList(values).map(String), fail),
    })),
  );

  return {
    effect: statement.Effect,
    by: { policy, policyType, index, ...(statement.Sid ? { sid: statement.Sid } : {}) },
    action: (action) => actionPatterns.some((pattern) => pattern.test(action)) !== actionNegated,
    resource: (resource) => resourcePatterns.some((pattern) => pattern.test(resource)) !== resourceNegated,
    ...(policyType === 'resource-based' ? { principal: principalTest(statement.Principal, fail) } : {}),
    conditions,
  };
}

/** Checks a policy against the language this evaluator implements and prepares it for `evaluate`; throws `UnsupportedPolicy`. */
export function compilePolicy(policy: NamedPolicy, policyType: PolicyType): CompiledPolicy {
  const statements = asList(policy.document.Statement).map((statement, index) =>
    compileStatement(statement, index, policy.name, policyType),
  );
  return { name: policy.name, policyType, statements };
}

function contextValues(context: ConditionContext): Map<string, readonly string[]> {
  return new Map(
    Object.entries(context).map(([key, value]) => [key.toLowerCase(), typeof value === 'string' ? [value] : value]),
  );
}

type StatementMatch = 'applies' | 'applies-through-account' | 'does-not-apply';

function statementMatch(
  statement: CompiledStatement,
  request: EvaluationRequest,
  context: Map<string, readonly string[]>,
): StatementMatch {
  if (!statement.action(request.action) || !statement.resource(request.resource)) return 'does-not-apply';
  const named = statement.principal ? statement.principal(request.principal) : 'named';
  if (named === 'not-named') return 'does-not-apply';
  if (!statement.conditions.every(({ key, test }) => test(context.get(key)))) return 'does-not-apply';
  return named === 'account' ? 'applies-through-account' : 'applies';
}

/**
 * The decision for one request, within one account (the IAM User Guide, "Policy evaluation logic"):
 * an explicit deny in any policy wins; otherwise an allow in either an identity-based or a
 * resource-based policy suffices; otherwise the request is implicitly denied. A resource policy
 * that names only the account delegates to the identity-based policies, so its allow does not
 * count on its own. A service principal has no identity-based policies.
 */
export function evaluate(request: EvaluationRequest, policies: readonly CompiledPolicy[]): Decision {
  const context = contextValues(request.context);
  const applicable = policies.filter(
    (policy) => policy.policyType === 'resource-based' || request.principal.kind === 'iam',
  );
  const matches = applicable.flatMap((policy) =>
    policy.statements.map((statement) => ({ statement, match: statementMatch(statement, request, context) })),
  );
  const deny = matches.find(({ statement, match }) => statement.effect === 'Deny' && match !== 'does-not-apply');
  if (deny) return { decision: 'explicit-deny', by: deny.statement.by };
  const allow = matches.find(({ statement, match }) => statement.effect === 'Allow' && match === 'applies');
  if (allow) return { decision: 'allow', by: allow.statement.by };
  return { decision: 'implicit-deny' };
}
