import { describe, expect, it } from 'vitest';
import { ALL_STAGES } from '../../../../../lambdas/catalog.js';
import type { StageDescriptor } from '../../../../../lambdas/pipeline/stage-descriptor.js';
import {
  type AuthorizationRequest,
  Authorizer,
  accessDeniedError,
  type Caller,
  type DeniedService,
} from '../../../../../local/runtime/iam/authorizer.js';
import {
  jsonProtocolPermissions,
  type RequiredPermission,
  type ResourceLocator,
  s3Permissions,
} from '../../../../../local/runtime/iam/request-permissions.js';
import { stackPolicies, UnreadablePermissions } from '../../../../../local/runtime/iam/stack-policies.js';
import type {
  AssemblyStack,
  CloudFormationTemplate,
  TemplateResource,
} from '../../../../../local/runtime/sandbox/cloud-assembly.js';
import { type LocalStandIns, localReferences } from '../../../../../local/runtime/sandbox/deployed-stack.js';
import { resolveToString } from '../../../../../local/runtime/sandbox/intrinsics.js';
import { synthesize } from '../../../../infra/synthesize.js';

const ACCOUNT = '000000000000';
const STAND_INS: LocalStandIns = {
  region: 'us-east-1',
  account: ACCOUNT,
  bucket: 'local-assets',
  table: 'local-productions',
  videoQueue: {
    url: `http://127.0.0.1:9/${ACCOUNT}/local-video`,
    arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:local-video`,
    name: 'local-video',
  },
  videoDeadLetterQueue: {
    url: `http://127.0.0.1:9/${ACCOUNT}/local-video-dlq`,
    arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:local-video-dlq`,
    name: 'local-video-dlq',
  },
  productionStateMachine: {
    arn: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:local-production`,
    name: 'local-production',
  },
  episodeStateMachine: { arn: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:local-episode`, name: 'local-episode' },
  functionName: (logicalId) => `local-${logicalId}`,
  roleName: (logicalId) => `local-${logicalId}`,
  functionArn: (functionName) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${functionName}`,
};
const ROLE_NAMING = { roleName: STAND_INS.roleName };
const TABLE_ARN = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${STAND_INS.table}`;
const TLS = { 'aws:SecureTransport': 'true' } as const;

function devStack(): AssemblyStack {
  // A copy, so a test may take statements out of it.
  return {
    directory: '/nowhere',
    template: structuredClone(synthesize('dev').template.toJSON()) as CloudFormationTemplate,
  };
}

function resourcesOfType(stack: AssemblyStack, type: string): [string, TemplateResource][] {
  return Object.entries(stack.template.Resources).filter(([, resource]) => resource.Type === type);
}

/** The function a stage deploys: its role is described as `dramaforge <stage>`. */
function functionOfStage(stack: AssemblyStack, stage: string): { logicalId: string; roleId: string; name: string } {
  const [roleId] = resourcesOfType(stack, 'AWS::IAM::Role').find(
    ([, role]) => role.Properties?.Description === `dramaforge ${stage}`,
  )!;
  const [logicalId] = resourcesOfType(stack, 'AWS::Lambda::Function').find(
    ([, fn]) => (fn.Properties?.Role as { 'Fn::GetAtt': string[] } | undefined)?.['Fn::GetAtt'][0] === roleId,
  )!;
  return { logicalId, roleId, name: STAND_INS.functionName(logicalId) };
}

function authorizerOf(stack: AssemblyStack) {
  const references = localReferences(stack, STAND_INS);
  const permissions = stackPolicies(stack, references, ROLE_NAMING);
  const [secretId] = resourcesOfType(stack, 'AWS::SecretsManager::Secret')[0]!;
  const secretArn = resolveToString({ Ref: secretId }, references, 'the provider secret');
  const locator: ResourceLocator = {
    partition: 'aws',
    region: STAND_INS.region,
    account: ACCOUNT,
    stateMachineOfTaskToken: (token) =>
      token.startsWith('episode-') ? STAND_INS.episodeStateMachine.arn : STAND_INS.productionStateMachine.arn,
    secretArn: () => secretArn,
  };
  return { authorizer: new Authorizer(permissions), permissions, references, locator, secretArn };
}

const sampleKey = (pattern: string) => pattern.replaceAll('*', 'p1/scene-1');

/** The requests a stage's code makes for what its descriptor says it uses, as the SDK sends them. */
function requestsOfStage(stage: StageDescriptor, locator: ResourceLocator, secretArn: string): RequiredPermission[] {
  const { access } = stage;
  const s3 = (method: string, key: string | undefined, headers: Record<string, string> = {}, query = '') =>
    s3Permissions({ method, bucket: STAND_INS.bucket, key, query: new URLSearchParams(query), headers }, locator);
  const json = (target: string, input: Record<string, unknown>) => jsonProtocolPermissions({ target, input }, locator);
  const taskToken = access.reportsTaskOutcome === 'episode' ? 'episode-token' : 'production-token';
  return [
    ...access.reads.flatMap((pattern) => [...s3('GET', sampleKey(pattern)), ...s3('HEAD', sampleKey(pattern))]),
    ...(access.reads.length > 0 ? s3('GET', undefined, {}, 'list-type=2&prefix=productions/') : []),
    ...access.writes.flatMap((pattern) => s3('PUT', sampleKey(pattern), { 'x-amz-tagging': 'lifecycle=intermediate' })),
    ...access.table.flatMap((action) =>
      json(`DynamoDB_20120810.${action.replace('dynamodb:', '')}`, { TableName: STAND_INS.table }),
    ),
    ...(access.callsProviders ? json('secretsmanager.GetSecretValue', { SecretId: secretArn }) : []),
    ...(access.reportsTaskOutcome
      ? ['SendTaskSuccess', 'SendTaskFailure', 'SendTaskHeartbeat'].flatMap((operation) =>
          json(`AWSStepFunctions.${operation}`, { taskToken }),
        )
      : []),
    ...(access.requeuesVideoJobs ? json('AmazonSQS.SendMessage', { QueueUrl: STAND_INS.videoQueue.url }) : []),
    // Lambda's event source mapping polls the queue with the function's own role.
    ...(stage.invokedBy === 'video-queue'
      ? ['ReceiveMessage', 'DeleteMessageBatch', 'ChangeMessageVisibility', 'GetQueueAttributes'].flatMap((operation) =>
          json(`AmazonSQS.${operation}`, { QueueUrl: STAND_INS.videoQueue.url }),
        )
      : []),
    ...(stage.invokedBy === 'manifest-upload'
      ? json('AWSStepFunctions.StartExecution', { stateMachineArn: STAND_INS.productionStateMachine.arn })
      : []),
  ];
}

function refusalsOf(authorizer: Authorizer, principal: Caller, permissions: RequiredPermission[]) {
  return permissions
    .map((permission) => ({
      permission,
      authorization: authorizer.authorize({ principal, ...permission, context: TLS }),
    }))
    .filter(({ authorization }) => !authorization.allowed);
}

describe("the dev stack's roles, evaluated on the local resources", () => {
  it('allow every function what its stage descriptor says it uses', () => {
    // Prepare
    const stack = devStack();
    const { authorizer, locator, secretArn } = authorizerOf(stack);

    // Act
    const refusals = ALL_STAGES.flatMap((stage) => {
      const requests = requestsOfStage(stage, locator, secretArn);
      expect(requests.length, stage.name).toBeGreaterThan(0);
      return refusalsOf(authorizer, { function: functionOfStage(stack, stage.name).name }, requests).map(
        ({ permission }) => `${stage.name}: ${permission.action} on ${permission.resource}`,
      );
    });

    // Assess
    expect(refusals).toEqual([]);
  });

  it('allow a function nothing beyond its descriptor: a reader may not write, a stage without the table may not touch it', () => {
    // Prepare
    const stack = devStack();
    const { authorizer } = authorizerOf(stack);
    const planEpisode = functionOfStage(stack, 'plan-episode').name;
    const startProduction = functionOfStage(stack, 'start-production').name;

    // Act
    const refusals = [
      ...refusalsOf(authorizer, { function: planEpisode }, [
        { action: 's3:PutObject', resource: `arn:aws:s3:::${STAND_INS.bucket}/productions/p1/x.json` },
      ]),
      ...refusalsOf(authorizer, { function: planEpisode }, [{ action: 'dynamodb:UpdateItem', resource: TABLE_ARN }]),
      ...refusalsOf(authorizer, { function: startProduction }, [{ action: 'dynamodb:GetItem', resource: TABLE_ARN }]),
      ...refusalsOf(authorizer, { function: startProduction }, [
        { action: 'states:StartExecution', resource: STAND_INS.episodeStateMachine.arn },
      ]),
    ];

    // Assess
    expect(refusals).toHaveLength(4);
  });

  it("allow each state machine to invoke the functions of its definition and start or feed what it drives, and not the other machine's functions", () => {
    // Prepare
    const stack = devStack();
    const { authorizer, references } = authorizerOf(stack);
    const machines = resourcesOfType(stack, 'AWS::StepFunctions::StateMachine').map(([logicalId, machine]) => ({
      arn: resolveToString({ Ref: logicalId }, references, logicalId),
      substitutions: Object.fromEntries(
        Object.entries(machine.Properties!.DefinitionSubstitutions as Record<string, unknown>).map(([name, value]) => [
          name,
          resolveToString(value, references, name),
        ]),
      ),
    }));
    const production = machines.find(({ arn }) => arn === STAND_INS.productionStateMachine.arn)!;
    const episode = machines.find(({ arn }) => arn === STAND_INS.episodeStateMachine.arn)!;
    const invocations = (substitutions: Record<string, string>) =>
      Object.entries(substitutions)
        .filter(([name]) => name.endsWith('FunctionArn'))
        .map(([, arn]) => ({ action: 'lambda:InvokeFunction', resource: arn }));

    // Act
    const productionRefusals = refusalsOf(authorizer, { stateMachine: production.arn }, [
      ...invocations(production.substitutions),
      { action: 'states:StartExecution', resource: production.substitutions.EpisodeStateMachineArn! },
      {
        action: 'states:DescribeExecution',
        resource: `arn:aws:states:us-east-1:${ACCOUNT}:execution:${STAND_INS.episodeStateMachine.name}:run-1`,
      },
    ]);
    const episodeRefusals = refusalsOf(authorizer, { stateMachine: episode.arn }, [
      ...invocations(episode.substitutions),
      { action: 'sqs:SendMessage', resource: STAND_INS.videoQueue.arn },
    ]);
    const crossed = refusalsOf(authorizer, { stateMachine: episode.arn }, invocations(production.substitutions));

    // Assess
    expect(invocations(production.substitutions).length).toBeGreaterThan(0);
    expect(invocations(episode.substitutions).length).toBeGreaterThan(0);
    expect(productionRefusals).toEqual([]);
    expect(episodeRefusals).toEqual([]);
    expect(crossed).toHaveLength(invocations(production.substitutions).length);
  });
});

/** Takes out of a role's policies the statement that grants `action`, as a template missing that grant would be. */
function withoutGrant(stack: AssemblyStack, roleId: string, action: string): AssemblyStack {
  const policies = resourcesOfType(stack, 'AWS::IAM::Policy').filter(([, policy]) =>
    (policy.Properties!.Roles as { Ref: string }[]).some((role) => role.Ref === roleId),
  );
  const grants = (statement: { Action: string | string[] }) =>
    ([] as string[]).concat(statement.Action).includes(action);
  const holder = policies.find(([, policy]) =>
    (policy.Properties!.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement.some(grants),
  );
  if (!holder) throw new Error(`no policy of ${roleId} grants ${action}`);
  const document = holder[1].Properties!.PolicyDocument as { Statement: { Action: string | string[] }[] };
  document.Statement = document.Statement.filter((statement) => !grants(statement));
  return stack;
}

describe('a role missing one grant', () => {
  const cases: {
    stage: string;
    action: string;
    service: DeniedService;
    request: (locator: ResourceLocator) => RequiredPermission[];
    message: RegExp;
  }[] = [
    {
      stage: 'record-scene-outcome',
      action: 'dynamodb:UpdateItem',
      service: 'dynamodb',
      request: (locator) =>
        jsonProtocolPermissions(
          { target: 'DynamoDB_20120810.UpdateItem', input: { TableName: STAND_INS.table } },
          locator,
        ),
      message: new RegExp(
        `is not authorized to perform: dynamodb:UpdateItem on resource: ${TABLE_ARN} because no identity-based policy allows the dynamodb:UpdateItem action$`,
      ),
    },
    {
      stage: 'validate-manifest',
      action: 's3:PutObject',
      service: 's3',
      request: (locator) =>
        s3Permissions(
          {
            method: 'PUT',
            bucket: STAND_INS.bucket,
            key: 'manifests/m1.errors.json',
            query: new URLSearchParams(),
            headers: {},
          },
          locator,
        ),
      message:
        /is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::local-assets\/manifests\/m1\.errors\.json" because no identity-based policy allows the s3:PutObject action$/,
    },
    {
      stage: 'video-worker',
      action: 'sqs:SendMessage',
      service: 'sqs',
      request: (locator) =>
        jsonProtocolPermissions(
          { target: 'AmazonSQS.SendMessage', input: { QueueUrl: STAND_INS.videoQueue.url } },
          locator,
        ),
      message:
        /is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:000000000000:local-video because no identity-based policy allows the sqs:sendmessage action$/,
    },
    {
      stage: 'await-approval',
      action: 'states:SendTaskSuccess',
      service: 'states',
      request: (locator) =>
        jsonProtocolPermissions(
          { target: 'AWSStepFunctions.SendTaskSuccess', input: { taskToken: 'production-token' } },
          locator,
        ),
      message:
        /is not authorized to perform: states:SendTaskSuccess on resource: arn:aws:states:us-east-1:000000000000:stateMachine:local-production because no identity-based policy allows/,
    },
    {
      stage: 'write-script',
      action: 'secretsmanager:GetSecretValue',
      service: 'secretsmanager',
      request: (locator) =>
        jsonProtocolPermissions(
          { target: 'secretsmanager.GetSecretValue', input: { SecretId: 'provider-keys' } },
          locator,
        ),
      message:
        /is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:000000000000:secret:\S+ because no identity-based policy allows/,
    },
  ];

  it.each(cases)(
    "is refused $action by $stage's role: AccessDenied names the action and the resource, and the intact stack allows it",
    ({ stage, action, service, request, message }) => {
      // Prepare
      const intact = authorizerOf(devStack());
      const stack = devStack();
      const { roleId, name } = functionOfStage(stack, stage);
      const missing = authorizerOf(withoutGrant(stack, roleId, action));
      const [permission] = request(missing.locator);

      // Act
      const before = intact.authorizer.authorize({ principal: { function: name }, ...permission!, context: TLS });
      const after = missing.authorizer.authorize({ principal: { function: name }, ...permission!, context: TLS });

      // Assess
      expect(before).toEqual({ allowed: true });
      expect(after.allowed).toBe(false);
      if (after.allowed) return;
      expect(after.reason).toBe(
        `no identity-based or resource-based policy allows ${action} on ${permission!.resource}`,
      );
      const error = accessDeniedError(service, after.denial);
      expect(error.message).toMatch(new RegExp(`^User: arn:aws:sts::${ACCOUNT}:assumed-role/local-${roleId}/${name} `));
      expect(error.message).toMatch(message);
    },
  );

  it("is refused to the production machine's role when its invoke grant is gone: the Task would fail with Lambda's AccessDeniedException", () => {
    // Prepare
    const stack = devStack();
    const [machineId, machine] = resourcesOfType(stack, 'AWS::StepFunctions::StateMachine').find(
      ([logicalId]) => localReferences(stack, STAND_INS)[logicalId]!.Ref === STAND_INS.productionStateMachine.arn,
    )!;
    const roleId = (machine.Properties!.RoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
    const { authorizer } = authorizerOf(withoutGrant(stack, roleId, 'lambda:InvokeFunction'));
    const validate = STAND_INS.functionArn(functionOfStage(stack, 'validate-manifest').name);

    // Act
    const authorization = authorizer.authorize({
      principal: { stateMachine: STAND_INS.productionStateMachine.arn },
      action: 'lambda:InvokeFunction',
      resource: validate,
      context: TLS,
    });

    // Assess
    expect(machineId).toMatch(/^WorkflowStateMachine/);
    expect(authorization.allowed).toBe(false);
    if (authorization.allowed) return;
    expect(accessDeniedError('lambda', authorization.denial)).toEqual({
      status: 403,
      code: 'AccessDeniedException',
      message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/local-${roleId}/local-production is not authorized to perform: lambda:InvokeFunction on resource: ${validate} because no identity-based policy allows the lambda:InvokeFunction action`,
    });
  });
});

describe("the stack's resource policies", () => {
  it("deny a function's request to the bucket and to the video queue that is not over TLS, though its role allows it", () => {
    // Prepare
    const stack = devStack();
    const { authorizer } = authorizerOf(stack);
    const worker = functionOfStage(stack, 'video-worker').name;
    const put: Omit<AuthorizationRequest, 'context'> = {
      principal: { function: worker },
      action: 's3:PutObject',
      resource: `arn:aws:s3:::${STAND_INS.bucket}/productions/p1/v.mp4`,
    };
    const send: Omit<AuthorizationRequest, 'context'> = {
      principal: { function: worker },
      action: 'sqs:SendMessage',
      resource: STAND_INS.videoQueue.arn,
    };

    // Act
    const putOverTls = authorizer.authorize({ ...put, context: TLS });
    const putInTheClear = authorizer.authorize({ ...put, context: { 'aws:SecureTransport': 'false' } });
    const sendInTheClear = authorizer.authorize({ ...send, context: { 'aws:SecureTransport': 'false' } });

    // Assess
    expect(putOverTls).toEqual({ allowed: true });
    expect(putInTheClear.allowed).toBe(false);
    expect(sendInTheClear.allowed).toBe(false);
    if (putInTheClear.allowed || sendInTheClear.allowed) return;
    expect(putInTheClear.reason).toMatch(
      /^explicit deny in resource-based policy AssetsBucketPolicy\w+ \(resource policy of arn:aws:s3:::local-assets\) \(statement 0\)$/,
    );
    expect(accessDeniedError('s3', putInTheClear.denial)).toEqual({
      status: 403,
      code: 'AccessDenied',
      message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/local-${functionOfStage(stack, 'video-worker').roleId}/${worker} is not authorized to perform: s3:PutObject on resource: "${put.resource}" with an explicit deny in a resource-based policy`,
    });
    expect(sendInTheClear.reason).toMatch(/^explicit deny in resource-based policy VideoJobsQueuePolicy/);
  });

  it('let CloudWatch alarms of this account publish to the alarm topic, and no other source', () => {
    // Prepare
    const stack = devStack();
    const { authorizer, references } = authorizerOf(stack);
    const [topicId] = resourcesOfType(stack, 'AWS::SNS::Topic')[0]!;
    const topic = resolveToString({ Ref: topicId }, references, 'the alarm topic');
    const publish = (sourceArn: string) =>
      authorizer.authorize({
        principal: { service: 'cloudwatch.amazonaws.com' },
        action: 'sns:Publish',
        resource: topic,
        context: { ...TLS, 'aws:SourceArn': sourceArn, 'aws:SourceAccount': ACCOUNT },
      });

    // Act
    const fromAlarm = publish(`arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:dramaforge-dev-failed-executions`);
    const fromElsewhere = publish(`arn:aws:events:us-east-1:${ACCOUNT}:rule/anything`);

    // Assess
    expect(fromAlarm).toEqual({ allowed: true });
    expect(fromElsewhere).toMatchObject({
      allowed: false,
      reason: `no resource-based policy allows sns:Publish on ${topic}`,
    });
  });

  it('are keyed by the ARN of the bucket, queue or topic they are attached to', () => {
    // Prepare
    const stack = devStack();

    // Act
    const { resourcePolicies } = authorizerOf(stack).permissions;

    // Assess
    expect(resourcePolicies.get(`arn:aws:s3:::${STAND_INS.bucket}`)?.map(({ name }) => name)).toEqual([
      expect.stringMatching(/^AssetsBucketPolicy/),
    ]);
    expect(resourcePolicies.get(STAND_INS.videoQueue.arn)).toHaveLength(1);
    expect(resourcePolicies.get(STAND_INS.videoDeadLetterQueue.arn)).toHaveLength(1);
    expect([...resourcePolicies.keys()].filter((arn) => arn.startsWith('arn:aws:sns:'))).toHaveLength(1);
  });
});

describe('reading the roles of a template', () => {
  it('reads an AWS managed policy it knows (AWSLambdaBasicExecutionRole grants logs only) and refuses one it does not, naming it', () => {
    // Prepare
    const stack = devStack();
    const references = localReferences(stack, STAND_INS);
    const [roleId, role] = resourcesOfType(stack, 'AWS::IAM::Role').find(
      ([, candidate]) => candidate.Properties?.ManagedPolicyArns,
    )!;
    const basic = stackPolicies(stack, references, ROLE_NAMING).roles.get(`local-${roleId}`)!;
    role.Properties!.ManagedPolicyArns = ['arn:aws:iam::aws:policy/AmazonS3FullAccess'];

    // Act
    const refusal = (() => {
      try {
        return stackPolicies(stack, references, ROLE_NAMING);
      } catch (error) {
        return error;
      }
    })();

    // Assess
    const managed = basic.policies.find(
      ({ name }) => name === 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    )!;
    expect([managed.document.Statement].flat().flatMap((statement) => [statement.Action].flat())).toEqual([
      'logs:CreateLogGroup',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
    expect(refusal).toBeInstanceOf(UnreadablePermissions);
    expect((refusal as Error).message).toContain('arn:aws:iam::aws:policy/AmazonS3FullAccess');
  });
});
