import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { TaskTokenService } from '../../../../local/engines/task-token-service.js';
import { WorkflowRunner } from '../../../../local/runtime/workflow-runner.js';
import type { Definition } from '../../../../statemachines/production-definition.js';

const ALLOWED_FUNCTION = 'arn:aws:lambda:us-east-1:000000000000:function:allowed';
const DENIED_FUNCTION = 'arn:aws:lambda:us-east-1:000000000000:function:denied';
const QUEUE_URL = 'http://127.0.0.1:9/000000000000/video';

/** A role that allows invoking `allowed` and nothing else, worded as IAM words a refusal. */
const roleAllowingOneFunction = (action: string, resource: string) =>
  action === 'lambda:InvokeFunction' && resource === ALLOWED_FUNCTION
    ? undefined
    : `not authorized to perform: ${action} on resource: ${resource}`;

function runner(definition: Definition, invoked: string[]) {
  return new WorkflowRunner({
    stateMachineName: 'role-test',
    definition,
    functionArns: new Set([ALLOWED_FUNCTION, DENIED_FUNCTION]),
    invoke: async (arn) => {
      invoked.push(arn);
      return {};
    },
    // Nothing listens there: a message the role let through would fail with a connection error instead.
    sqs: new SQSClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
      maxAttempts: 1,
    }),
    taskTokens: new TaskTokenService(),
    authorize: roleAllowingOneFunction,
  });
}

describe("a state machine's Tasks under its role", () => {
  it("invoke what the role allows, and fail at the first function it does not with Lambda's AccessDeniedException as Step Functions reports it", async () => {
    // Prepare
    const invoked: string[] = [];
    const machine = runner(
      {
        StartAt: 'First',
        States: {
          First: { Type: 'Task', Resource: ALLOWED_FUNCTION, Next: 'Second' },
          Second: { Type: 'Task', Resource: DENIED_FUNCTION, End: true },
        },
      },
      invoked,
    );

    // Act
    const outcome = await machine.run('denied-invoke', {});

    // Assess
    expect(invoked).toEqual([ALLOWED_FUNCTION]);
    expect(outcome).toMatchObject({
      status: 'FAILED',
      error: {
        name: 'Lambda.AWSLambdaException',
        cause: expect.stringMatching(
          new RegExp(
            `^not authorized to perform: lambda:InvokeFunction on resource: ${DENIED_FUNCTION} \\(Service: AWSLambda; Status Code: 403; Error Code: AccessDeniedException; Request ID: [0-9a-f-]+; Proxy: null\\)$`,
          ),
        ),
      },
    });
  });

  it("send no message the role does not allow to the queue, failing with SQS's AccessDenied on the queue's ARN", async () => {
    // Prepare
    const invoked: string[] = [];
    const machine = runner(
      {
        StartAt: 'Render clip',
        States: {
          'Render clip': {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
            Parameters: { QueueUrl: QUEUE_URL, MessageBody: { 'token.$': '$$.Task.Token' } },
            End: true,
          },
        },
      },
      invoked,
    );

    // Act
    const outcome = await machine.run('denied-send', {});

    // Assess
    expect(outcome).toMatchObject({
      status: 'FAILED',
      error: {
        name: 'SQS.AmazonSQSException',
        cause: expect.stringContaining(
          'sqs:SendMessage on resource: arn:aws:sqs:us-east-1:000000000000:video (Service: AmazonSQS; Status Code: 403; Error Code: AccessDenied',
        ),
      },
    });
  });
});
