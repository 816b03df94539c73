import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_NAMES } from '../../lib/config/environment-config.js';
import { asArray, logicalIdOf, resourcesOfType, synthesize } from './synthesize.js';

interface TopicPolicyStatement {
  Effect: 'Allow' | 'Deny';
  Principal: '*' | { AWS?: string | string[]; Service?: string | string[] };
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** A request to a topic as SNS evaluates it against the topic's policy: who sends it, and the context keys its conditions read. */
interface TopicRequest {
  service: string;
  action: string;
  /** The topic as the template names it (its `Ref`). */
  topic: unknown;
  context: Record<string, string>;
}

/** The pseudo parameters of a deployed stack, for an account and region of the tests' choosing. */
const DEPLOYED = { 'AWS::AccountId': '111122223333', 'AWS::Region': 'eu-west-1', 'AWS::Partition': 'aws' } as Record<
  string,
  string
>;

/** A policy value as the deployed stack sees it: literals, pseudo parameters and `Fn::Join` of them. */
function deployedValue(value: unknown): string {
  if (typeof value === 'string') return value;
  const reference = value as { Ref?: string; 'Fn::Join'?: [string, unknown[]] };
  if (reference.Ref && DEPLOYED[reference.Ref]) return DEPLOYED[reference.Ref]!;
  if (reference['Fn::Join']) return reference['Fn::Join'][1].map(deployedValue).join(reference['Fn::Join'][0]);
  throw new Error(`cannot evaluate ${JSON.stringify(value)} in a topic policy condition`);
}

const globMatches = (pattern: string, text: string, ignoreCase = false) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    ignoreCase ? 'i' : '',
  ).test(text);

/** One condition operator of IAM's, for the operators a topic policy here may use; any other fails the test rather than being guessed. */
function conditionHolds(operator: string, key: string, expected: unknown, context: Record<string, string>): boolean {
  const actual = context[key];
  if (actual === undefined) return false;
  const values = asArray(expected).map(deployedValue);
  switch (operator) {
    case 'Bool':
      return values.some((value) => value.toLowerCase() === actual.toLowerCase());
    case 'StringEquals':
    case 'ArnEquals':
      return values.includes(actual);
    case 'StringLike':
    case 'ArnLike':
      return values.some((value) => globMatches(value, actual));
    default:
      throw new Error(`condition operator ${operator} is not evaluated by this test`);
  }
}

function statementApplies(statement: TopicPolicyStatement, request: TopicRequest): boolean {
  const principal = statement.Principal;
  const everyone = principal === '*' || asArray(principal.AWS ?? []).includes('*');
  if (!everyone && !asArray(principal.Service ?? []).includes(request.service)) return false;
  if (!asArray(statement.Action).some((action) => globMatches(action, request.action, true))) return false;
  if (
    !asArray(statement.Resource).some(
      (resource) => resource === '*' || JSON.stringify(resource) === JSON.stringify(request.topic),
    )
  )
    return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => conditionHolds(operator, key, expected, request.context)),
  );
}

/** IAM's order for a resource policy: an explicit Deny wins, then an Allow; with neither, the request is denied. */
function topicPolicyDecision(
  statements: TopicPolicyStatement[],
  request: TopicRequest,
): 'Allow' | 'Deny' | 'ImplicitDeny' {
  const applying = statements.filter((statement) => statementApplies(statement, request));
  if (applying.some((statement) => statement.Effect === 'Deny')) return 'Deny';
  return applying.some((statement) => statement.Effect === 'Allow') ? 'Allow' : 'ImplicitDeny';
}

/** The statements of every topic policy that covers the alarm topic. */
function alarmTopicPolicy(name: (typeof ENVIRONMENT_NAMES)[number]): {
  topic: unknown;
  statements: TopicPolicyStatement[];
} {
  const { stack, template } = synthesize(name);
  const topic = { Ref: logicalIdOf(stack.node.findChild('Monitoring').node.findChild('AlarmTopic')) };
  const statements = Object.values(resourcesOfType(template, 'AWS::SNS::TopicPolicy'))
    .filter((policy) =>
      (policy.Properties.Topics as unknown[]).some((covered) => JSON.stringify(covered) === JSON.stringify(topic)),
    )
    .flatMap(
      (policy) => (policy.Properties.PolicyDocument as unknown as { Statement: TopicPolicyStatement[] }).Statement,
    );
  return { topic, statements };
}

/** What CloudWatch sends when an alarm of `account` in `region` changes state. */
function alarmPublish(
  topic: unknown,
  { account, region, secureTransport }: { account: string; region: string; secureTransport: boolean },
): TopicRequest {
  return {
    service: 'cloudwatch.amazonaws.com',
    action: 'sns:Publish',
    topic,
    context: {
      'aws:SecureTransport': String(secureTransport),
      'aws:SourceAccount': account,
      'aws:SourceArn': `arn:aws:cloudwatch:${region}:${account}:alarm:dramaforge-FailedExecutions`,
    },
  };
}

interface KeyPolicyStatement {
  Effect: string;
  Principal?: { Service?: string | string[] };
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

describe.each(ENVIRONMENT_NAMES)('%s alarm notifications', (name) => {
  it('encrypts the alarm topic with a rotated key of its own that CloudWatch may use, never the AWS-managed alias/aws/sns', () => {
    // Prepare
    const { stack, template } = synthesize(name);
    const topicId = logicalIdOf(stack.node.findChild('Monitoring').node.findChild('AlarmTopic'));

    // Act
    const masterKeyId = resourcesOfType(template, 'AWS::SNS::Topic')[topicId]!.Properties.KmsMasterKeyId;
    const keyId = (masterKeyId as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
    const key = resourcesOfType(template, 'AWS::KMS::Key')[keyId ?? '']?.Properties;
    const cloudWatchStatements = (
      (key?.KeyPolicy as { Statement: KeyPolicyStatement[] } | undefined)?.Statement ?? []
    ).filter(
      (statement) =>
        statement.Effect === 'Allow' &&
        asArray(statement.Principal?.Service ?? []).includes('cloudwatch.amazonaws.com'),
    );

    // Assess
    expect(JSON.stringify(masterKeyId)).not.toContain('alias/aws/sns');
    expect(masterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(key).toMatchObject({ EnableKeyRotation: true });
    expect(cloudWatchStatements).toHaveLength(1);
    expect(asArray(cloudWatchStatements[0]!.Action)).toEqual(
      expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']),
    );
    expect(cloudWatchStatements[0]!.Resource).toBe('*');
    expect(cloudWatchStatements[0]!.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': stack.resolve(stack.account) },
      ArnLike: {
        'aws:SourceArn': stack.resolve(`arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`),
      },
    });
  });

  it("lets CloudWatch publish this account's alarms to the alarm topic over TLS", () => {
    // Prepare
    const { topic, statements } = alarmTopicPolicy(name);
    const request = alarmPublish(topic, {
      account: DEPLOYED['AWS::AccountId']!,
      region: DEPLOYED['AWS::Region']!,
      secureTransport: true,
    });

    // Act
    const decision = topicPolicyDecision(statements, request);

    // Assess
    expect(decision).toBe('Allow');
  });

  it('refuses alarms of another account or region, and a publish not sent over TLS', () => {
    // Prepare
    const { topic, statements } = alarmTopicPolicy(name);
    const here = { account: DEPLOYED['AWS::AccountId']!, region: DEPLOYED['AWS::Region']!, secureTransport: true };

    // Act
    const decisions = {
      otherAccount: topicPolicyDecision(statements, alarmPublish(topic, { ...here, account: '444455556666' })),
      otherRegion: topicPolicyDecision(statements, alarmPublish(topic, { ...here, region: 'us-west-2' })),
      plainHttp: topicPolicyDecision(statements, alarmPublish(topic, { ...here, secureTransport: false })),
    };

    // Assess
    expect(decisions).toEqual({ otherAccount: 'ImplicitDeny', otherRegion: 'ImplicitDeny', plainHttp: 'Deny' });
  });

  it('sends every alarm to the alarm topic', () => {
    // Prepare
    const { stack, template } = synthesize(name);
    const topicId = logicalIdOf(stack.node.findChild('Monitoring').node.findChild('AlarmTopic'));

    // Act
    const actions = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties.AlarmActions,
    );

    // Assess
    expect(actions.length).toBeGreaterThan(0);
    for (const alarmActions of actions) expect(alarmActions).toEqual([{ Ref: topicId }]);
  });
});

describe('alarm topic key removal', () => {
  it('keeps the key with prod data and schedules its deletion with disposable environments', () => {
    // Prepare
    const environments = ENVIRONMENT_NAMES.map((name) => ({ name, ...synthesize(name) }));

    // Act
    const deletion = environments.map(({ name, stack, template }) => {
      const topicId = logicalIdOf(stack.node.findChild('Monitoring').node.findChild('AlarmTopic'));
      const [keyId] = (
        resourcesOfType(template, 'AWS::SNS::Topic')[topicId]!.Properties.KmsMasterKeyId as {
          'Fn::GetAtt': [string, string];
        }
      )['Fn::GetAtt'];
      return {
        name,
        key: (template.findResources('AWS::KMS::Key')[keyId] as { DeletionPolicy: string }).DeletionPolicy,
      };
    });

    // Assess
    expect(deletion).toEqual([
      { name: 'dev', key: 'Delete' },
      { name: 'staging', key: 'Delete' },
      { name: 'prod', key: 'Retain' },
    ]);
  });
});
