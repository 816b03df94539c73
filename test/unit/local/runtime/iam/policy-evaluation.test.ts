import { describe, expect, it } from 'vitest';
import {
  type ConditionContext,
  compilePolicy,
  evaluate,
  type PolicyDocument,
  type PolicyType,
  type RequestPrincipal,
  UnsupportedPolicy,
} from '../../../../../local/runtime/iam/policy-evaluation.js';

// The examples are the IAM User Guide's: "Policy evaluation logic", "NotAction", "Resource",
// "Condition operators" and "Creating a condition with multiple keys or values".

const CARLOS: RequestPrincipal = {
  kind: 'iam',
  arn: 'arn:aws:iam::123456789012:user/carlossalazar',
  account: '123456789012',
};
const SECURE = { 'aws:SecureTransport': 'true' };

function decide(
  policies: { name: string; type: PolicyType; document: PolicyDocument }[],
  action: string,
  resource: string,
  context: ConditionContext = SECURE,
  principal: RequestPrincipal = CARLOS,
) {
  const compiled = policies.map(({ name, type, document }) => compilePolicy({ name, document }, type));
  return evaluate({ principal, action, resource, context }, compiled);
}

const identity = (document: PolicyDocument) => ({ name: 'identity', type: 'identity-based' as const, document });
const resourcePolicy = (document: PolicyDocument) => ({ name: 'resource', type: 'resource-based' as const, document });

describe('the evaluation logic within one account', () => {
  const carlosPolicy = identity({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowS3ListRead',
        Effect: 'Allow',
        Action: [
          's3:GetBucketLocation',
          's3:GetAccountPublicAccessBlock',
          's3:ListAccessPoints',
          's3:ListAllMyBuckets',
        ],
        Resource: 'arn:aws:s3:::*',
      },
      {
        Sid: 'AllowS3Self',
        Effect: 'Allow',
        Action: 's3:*',
        Resource: ['arn:aws:s3:::carlossalazar/*', 'arn:aws:s3:::carlossalazar'],
      },
      { Sid: 'DenyS3Logs', Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::*log*' },
    ],
  });
  const carlosBucketPolicy = resourcePolicy({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::123456789012:user/carlossalazar' },
        Action: 's3:*',
        Resource: ['arn:aws:s3:::carlossalazar/*', 'arn:aws:s3:::carlossalazar'],
      },
    ],
  });

  it("denies Carlos's upload to the logs bucket by the explicit deny, whatever allows it", () => {
    // Act
    const decision = decide(
      [carlosPolicy, carlosBucketPolicy],
      's3:PutObject',
      'arn:aws:s3:::carlossalazar-logs/file.txt',
    );

    // Assess
    expect(decision).toEqual({
      decision: 'explicit-deny',
      by: { policy: 'identity', policyType: 'identity-based', index: 2, sid: 'DenyS3Logs' },
    });
  });

  it('allows his upload to his own bucket, which both policies allow', () => {
    // Act
    const decision = decide([carlosPolicy, carlosBucketPolicy], 's3:PutObject', 'arn:aws:s3:::carlossalazar/file.txt');

    // Assess
    expect(decision.decision).toBe('allow');
  });

  it('allows the request when only the resource-based policy allows it, and when only the identity-based one does', () => {
    // Prepare
    const onlyListing = identity({ Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }] });

    // Act
    const byBucketPolicy = decide(
      [onlyListing, carlosBucketPolicy],
      's3:PutObject',
      'arn:aws:s3:::carlossalazar/file.txt',
    );
    const byIdentityPolicy = decide([carlosPolicy], 's3:PutObject', 'arn:aws:s3:::carlossalazar/file.txt');

    // Assess
    expect(byBucketPolicy).toMatchObject({ decision: 'allow', by: { policyType: 'resource-based' } });
    expect(byIdentityPolicy).toMatchObject({
      decision: 'allow',
      by: { policyType: 'identity-based', sid: 'AllowS3Self' },
    });
  });

  it("does not count a resource policy's allow of the account on its own: the account's IAM policies decide", () => {
    // Prepare
    const toTheAccount = resourcePolicy({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::123456789012:root' },
          Action: 's3:*',
          Resource: 'arn:aws:s3:::shared/*',
        },
      ],
    });

    // Act
    const decision = decide([toTheAccount], 's3:GetObject', 'arn:aws:s3:::shared/a');

    // Assess
    expect(decision).toEqual({ decision: 'implicit-deny' });
  });

  it('tells the allowed, the implicitly denied and the explicitly denied apart (AllowGetList and DenyReports)', () => {
    // Prepare
    const policy = identity({
      Statement: [
        { Sid: 'AllowGetList', Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' },
        { Sid: 'DenyReports', Effect: 'Deny', Action: 'iam:*Report', Resource: '*' },
      ],
    });

    // Act
    const get = decide([policy], 'iam:GetUser', '*');
    const create = decide([policy], 'iam:CreatePolicy', '*');
    const report = decide([policy], 'iam:GetOrganizationsAccessReport', '*');

    // Assess
    expect(get).toMatchObject({ decision: 'allow', by: { sid: 'AllowGetList' } });
    expect(create).toEqual({ decision: 'implicit-deny' });
    expect(report).toMatchObject({ decision: 'explicit-deny', by: { sid: 'DenyReports' } });
  });

  it('gives a service principal only the resource policies: it has no identity of its own', () => {
    // Prepare
    const everything = identity({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    const cloudwatch: RequestPrincipal = { kind: 'service', service: 'cloudwatch.amazonaws.com' };

    // Act
    const decision = decide(
      [everything],
      'sns:Publish',
      'arn:aws:sns:us-east-1:123456789012:alarms',
      SECURE,
      cloudwatch,
    );

    // Assess
    expect(decision).toEqual({ decision: 'implicit-deny' });
  });
});

describe('Action and NotAction', () => {
  it('matches actions whatever their case, with * and ?', () => {
    // Prepare
    const policy = identity({
      Statement: [{ Effect: 'Allow', Action: ['SQS:SendMessage', 'dynamodb:?etItem'], Resource: '*' }],
    });

    // Act
    const decisions = ['sqs:sendmessage', 'dynamodb:GetItem', 'dynamodb:SetItem', 'dynamodb:GetItems'].map(
      (action) => decide([policy], action, '*').decision,
    );

    // Assess
    expect(decisions).toEqual(['allow', 'allow', 'allow', 'implicit-deny']);
  });

  it('with Allow, allows every S3 action on S3 resources except the one listed, and nothing of other resources', () => {
    // Prepare
    const policy = identity({
      Statement: [{ Effect: 'Allow', NotAction: 's3:DeleteBucket', Resource: 'arn:aws:s3:::*' }],
    });

    // Act
    const put = decide([policy], 's3:PutObject', 'arn:aws:s3:::b/k');
    const deleteBucket = decide([policy], 's3:DeleteBucket', 'arn:aws:s3:::b');
    const listAll = decide([policy], 's3:ListAllMyBuckets', '*');

    // Assess
    expect([put.decision, deleteBucket.decision, listAll.decision]).toEqual([
      'allow',
      'implicit-deny',
      'implicit-deny',
    ]);
  });

  it('with Deny and BoolIfExists, denies every non-IAM action without MFA, and denies nothing with it (DenyAllUsersNotUsingMFA)', () => {
    // Prepare
    const policies = [
      identity({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
      identity({
        Statement: [
          {
            Sid: 'DenyAllUsersNotUsingMFA',
            Effect: 'Deny',
            NotAction: 'iam:*',
            Resource: '*',
            Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
          },
        ],
      }),
    ];

    // Act
    const withoutMfa = decide(policies, 's3:GetObject', 'arn:aws:s3:::b/k', { 'aws:MultiFactorAuthPresent': 'false' });
    const keyAbsent = decide(policies, 's3:GetObject', 'arn:aws:s3:::b/k', {});
    const iamWithoutMfa = decide(policies, 'iam:ListUsers', '*', { 'aws:MultiFactorAuthPresent': 'false' });
    const withMfa = decide(policies, 's3:GetObject', 'arn:aws:s3:::b/k', { 'aws:MultiFactorAuthPresent': 'true' });

    // Assess
    expect(withoutMfa).toMatchObject({ decision: 'explicit-deny', by: { sid: 'DenyAllUsersNotUsingMFA' } });
    expect(keyAbsent.decision).toBe('explicit-deny');
    expect(iamWithoutMfa.decision).toBe('allow');
    expect(withMfa.decision).toBe('allow');
  });
});

describe('Resource and NotResource', () => {
  it('matches every object of a bucket with bucket/*, slashes and colons included, and never the bucket itself', () => {
    // Prepare
    const policy = identity({
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::amzn-s3-demo-bucket/*' }],
    });

    // Act
    const decisions = [
      'arn:aws:s3:::amzn-s3-demo-bucket/a/b/c.txt',
      'arn:aws:s3:::amzn-s3-demo-bucket/a:b',
      'arn:aws:s3:::amzn-s3-demo-bucket',
    ].map((resource) => decide([policy], 's3:GetObject', resource).decision);

    // Assess
    expect(decisions).toEqual(['allow', 'allow', 'implicit-deny']);
  });

  it('matches resources case-sensitively, ? as one character, and a * inside a segment within that segment', () => {
    // Prepare
    const policy = identity({
      Statement: [
        { Effect: 'Allow', Action: 'iam:GetUser', Resource: 'arn:aws:iam::123456789012:user/Bob' },
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-?:123456789012:queue?' },
        {
          Effect: 'Allow',
          Action: 'states:DescribeExecution',
          Resource: 'arn:aws:states:*:123456789012:execution:episode:*',
        },
        {
          Effect: 'Allow',
          Action: 'states:StartExecution',
          Resource: 'arn:aws:states:us-east-1:123456789012:stateMachine:local-*-machine',
        },
      ],
    });

    // Act
    const bob = decide([policy], 'iam:GetUser', 'arn:aws:iam::123456789012:user/Bob').decision;
    const lowercaseBob = decide([policy], 'iam:GetUser', 'arn:aws:iam::123456789012:user/bob').decision;
    const queue1 = decide([policy], 'sqs:SendMessage', 'arn:aws:sqs:us-east-2:123456789012:queue1').decision;
    const queue12 = decide([policy], 'sqs:SendMessage', 'arn:aws:sqs:us-east-2:123456789012:queue12').decision;
    const execution = decide(
      [policy],
      'states:DescribeExecution',
      'arn:aws:states:us-east-1:123456789012:execution:episode:run-1',
    ).decision;
    const otherMachine = decide(
      [policy],
      'states:DescribeExecution',
      'arn:aws:states:us-east-1:123456789012:execution:production:run-1',
    ).decision;
    const withinSegment = decide(
      [policy],
      'states:StartExecution',
      'arn:aws:states:us-east-1:123456789012:stateMachine:local-a-machine',
    ).decision;
    const acrossColon = decide(
      [policy],
      'states:StartExecution',
      'arn:aws:states:us-east-1:123456789012:stateMachine:local-a:b-machine',
    ).decision;

    // Assess
    expect([bob, lowercaseBob, queue1, queue12, execution, otherMachine, withinSegment, acrossColon]).toEqual([
      'allow',
      'implicit-deny',
      'allow',
      'implicit-deny',
      'allow',
      'implicit-deny',
      'allow',
      'implicit-deny',
    ]);
  });

  it('with NotResource, applies to every resource but those listed', () => {
    // Prepare
    const policies = [
      identity({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }),
      identity({
        Statement: [{ Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::mine', 'arn:aws:s3:::mine/*'] }],
      }),
    ];

    // Act
    const mine = decide(policies, 's3:GetObject', 'arn:aws:s3:::mine/k').decision;
    const theirs = decide(policies, 's3:GetObject', 'arn:aws:s3:::theirs/k').decision;

    // Assess
    expect([mine, theirs]).toEqual(['allow', 'explicit-deny']);
  });
});

describe('condition operators', () => {
  const bucketTlsDeny = resourcePolicy({
    Statement: [
      {
        Sid: 'BooleanExample',
        Action: 's3:*',
        Effect: 'Deny',
        Principal: '*',
        Resource: ['arn:aws:s3:::DOC-EXAMPLE-BUCKET', 'arn:aws:s3:::DOC-EXAMPLE-BUCKET/*'],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  });
  const allowAll = identity({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });

  it('Bool: denies a request not over TLS, and not one over TLS', () => {
    // Act
    const plain = decide([allowAll, bucketTlsDeny], 's3:GetObject', 'arn:aws:s3:::DOC-EXAMPLE-BUCKET/k', {
      'aws:SecureTransport': 'false',
    });
    const tls = decide([allowAll, bucketTlsDeny], 's3:GetObject', 'arn:aws:s3:::DOC-EXAMPLE-BUCKET/k', {
      'aws:SecureTransport': 'true',
    });

    // Assess
    expect(plain).toMatchObject({
      decision: 'explicit-deny',
      by: { policyType: 'resource-based', sid: 'BooleanExample' },
    });
    expect(tls.decision).toBe('allow');
  });

  it('matches condition key names whatever their case, and Bool values whatever theirs', () => {
    // Act
    const decision = decide([allowAll, bucketTlsDeny], 's3:GetObject', 'arn:aws:s3:::DOC-EXAMPLE-BUCKET/k', {
      'AWS:securetransport': 'FALSE',
    });

    // Assess
    expect(decision.decision).toBe('explicit-deny');
  });

  it('ArnLike matches each of the six components on its own, where StringLike lets * run across colons', () => {
    // Prepare
    const pattern = 'arn:aws:someservice:*:111122223333:finance/*';
    const value = 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt';
    const withOperator = (operator: string) =>
      identity({
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sns:Publish',
            Resource: '*',
            Condition: { [operator]: { 'aws:SourceArn': pattern } },
          },
        ],
      });

    // Act
    const stringLike = decide([withOperator('StringLike')], 'sns:Publish', '*', { 'aws:SourceArn': value }).decision;
    const arnLike = decide([withOperator('ArnLike')], 'sns:Publish', '*', { 'aws:SourceArn': value }).decision;
    const arnEquals = decide([withOperator('ArnEquals')], 'sns:Publish', '*', {
      'aws:SourceArn': 'arn:aws:someservice:us-east-2:111122223333:finance/a',
    }).decision;

    // Assess
    expect([stringLike, arnLike, arnEquals]).toEqual(['allow', 'implicit-deny', 'allow']);
  });

  it('ArnEquals with aws:SourceArn: admits a service sending on behalf of the named topic only, and not a request without the key', () => {
    // Prepare
    const queuePolicy = resourcePolicy({
      Statement: {
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'SQS:SendMessage',
        Resource: 'arn:aws:sqs:us-east-2:123456789012:QUEUE-ID',
        Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-2:123456789012:TOPIC-ID' } },
      },
    });
    const sns: RequestPrincipal = { kind: 'service', service: 'sns.amazonaws.com' };
    const send = (context: ConditionContext) =>
      decide([queuePolicy], 'sqs:SendMessage', 'arn:aws:sqs:us-east-2:123456789012:QUEUE-ID', context, sns).decision;

    // Act
    const fromTopic = send({ 'aws:SourceArn': 'arn:aws:sns:us-east-2:123456789012:TOPIC-ID' });
    const fromOther = send({ 'aws:SourceArn': 'arn:aws:sns:us-east-2:123456789012:OTHER' });
    const withoutKey = send({});

    // Assess
    expect([fromTopic, fromOther, withoutKey]).toEqual(['allow', 'implicit-deny', 'implicit-deny']);
  });

  it('StringEquals with several keys needs all of them, and with several values any one of them', () => {
    // Prepare
    const policy = identity({
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sns:Publish',
          Resource: '*',
          Condition: {
            StringEquals: { 'aws:SourceAccount': ['111122223333', '444455556666'] },
            ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:*:*:alarm:*' },
          },
        },
      ],
    });
    const publish = (context: ConditionContext) => decide([policy], 'sns:Publish', '*', context).decision;

    // Act
    const both = publish({
      'aws:SourceAccount': '444455556666',
      'aws:SourceArn': 'arn:aws:cloudwatch:us-east-1:444455556666:alarm:a',
    });
    const wrongAccount = publish({
      'aws:SourceAccount': '999999999999',
      'aws:SourceArn': 'arn:aws:cloudwatch:us-east-1:444455556666:alarm:a',
    });
    const onlyAccount = publish({ 'aws:SourceAccount': '111122223333' });

    // Assess
    expect([both, wrongAccount, onlyAccount]).toEqual(['allow', 'implicit-deny', 'implicit-deny']);
  });

  it('a missing key fails a positive operator and satisfies a negated one; IfExists satisfies either; Null tests presence', () => {
    // Prepare
    const allowWhen = (condition: Record<string, Record<string, string>>) =>
      identity({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: condition }] });
    const get = (condition: Record<string, Record<string, string>>, context: ConditionContext = {}) =>
      decide([allowWhen(condition)], 's3:GetObject', 'arn:aws:s3:::b/k', context).decision;

    // Act
    const positive = get({ StringEquals: { 'aws:PrincipalTag/job-category': 'iamuser-admin' } });
    const negated = get({ StringNotEquals: { 'aws:PrincipalTag/job-category': 'iamuser-admin' } });
    const negatedArn = get({ ArnNotLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:t' } });
    const ifExists = get({ StringEqualsIfExists: { 'aws:PrincipalTag/job-category': 'iamuser-admin' } });
    const ifExistsPresent = get(
      { StringEqualsIfExists: { 'aws:PrincipalTag/job-category': 'iamuser-admin' } },
      { 'aws:PrincipalTag/job-category': 'other' },
    );
    const nullTrue = get({ Null: { 'aws:TokenIssueTime': 'true' } });
    const nullTruePresent = get(
      { Null: { 'aws:TokenIssueTime': 'true' } },
      { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' },
    );

    // Assess
    expect({ positive, negated, negatedArn, ifExists, ifExistsPresent, nullTrue, nullTruePresent }).toEqual({
      positive: 'implicit-deny',
      negated: 'allow',
      negatedArn: 'allow',
      ifExists: 'allow',
      ifExistsPresent: 'implicit-deny',
      nullTrue: 'allow',
      nullTruePresent: 'implicit-deny',
    });
  });

  it('ForAllValues needs every requested value listed (and holds for none); ForAnyValue needs one (and fails for none)', () => {
    // Prepare
    const thread = 'arn:aws:dynamodb:us-east-1:123456789012:table/Thread';
    const policies = [
      identity({
        Statement: [
          {
            Effect: 'Allow',
            Action: 'dynamodb:GetItem',
            Resource: thread,
            Condition: {
              'ForAllValues:StringLike': { 'dynamodb:requestedAttributes': ['PostDateTime', 'Message', 'Tags'] },
            },
          },
        ],
      }),
      identity({ Statement: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: thread }] }),
      identity({
        Statement: [
          {
            Effect: 'Deny',
            Action: 'dynamodb:PutItem',
            Resource: thread,
            Condition: { 'ForAnyValue:StringLike': { 'dynamodb:requestedAttributes': ['ID', 'PostDateTime'] } },
          },
        ],
      }),
    ];
    const attributes = (action: string, requested: string[]) =>
      decide(policies, action, thread, { 'dynamodb:requestedAttributes': requested }).decision;

    // Act
    const listedOnly = attributes('dynamodb:GetItem', ['PostDateTime', 'Message']);
    const withUnlisted = attributes('dynamodb:GetItem', ['PostDateTime', 'UserName']);
    const noneRequested = attributes('dynamodb:GetItem', []);
    const putsForbidden = attributes('dynamodb:PutItem', ['UserName', 'Message', 'PostDateTime']);
    const putsAllowed = attributes('dynamodb:PutItem', ['UserName']);
    const putsNothing = attributes('dynamodb:PutItem', []);

    // Assess
    expect({ listedOnly, withUnlisted, noneRequested, putsForbidden, putsAllowed, putsNothing }).toEqual({
      listedOnly: 'allow',
      withUnlisted: 'implicit-deny',
      noneRequested: 'allow',
      putsForbidden: 'explicit-deny',
      putsAllowed: 'allow',
      putsNothing: 'allow',
    });
  });
});

describe('what the evaluator refuses to evaluate', () => {
  it('names the policy, the statement and what it does not implement', () => {
    // Prepare
    const cases: { type: PolicyType; document: PolicyDocument; reason: RegExp }[] = [
      {
        type: 'identity-based',
        document: {
          Statement: [
            { Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { NumericLessThan: { 's3:max-keys': '10' } } },
          ],
        },
        reason: /NumericLessThan/,
      },
      {
        type: 'identity-based',
        document: {
          Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/home/${aws:username}/*' }],
        },
        reason: /policy variables/,
      },
      {
        type: 'resource-based',
        document: { Statement: [{ Effect: 'Deny', NotPrincipal: { AWS: 'x' }, Action: 's3:*', Resource: '*' }] },
        reason: /NotPrincipal/,
      },
      {
        type: 'resource-based',
        document: {
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: 'cognito-identity.amazonaws.com' },
              Action: 's3:*',
              Resource: '*',
            },
          ],
        },
        reason: /Federated/,
      },
      {
        type: 'resource-based',
        document: { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
        reason: /needs a Principal/,
      },
      {
        type: 'identity-based',
        document: { Statement: [{ Effect: 'Allow', Action: 's3:*' }] },
        reason: /Resource and NotResource/,
      },
    ];

    // Act
    const refusals = cases.map(({ type, document }) => {
      try {
        compilePolicy({ name: 'the policy', document }, type);
        return undefined;
      } catch (error) {
        return error;
      }
    });

    // Assess
    refusals.forEach((refusal, index) => {
      expect(refusal).toBeInstanceOf(UnsupportedPolicy);
      expect((refusal as Error).message).toMatch(/^the policy, statement 0: /);
      expect((refusal as Error).message).toMatch(cases[index]!.reason);
    });
  });
});
