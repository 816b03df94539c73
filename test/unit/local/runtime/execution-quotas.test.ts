import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { TaskTokenService } from '../../../../local/engines/task-token-service.js';
import { AWS_EXECUTION_QUOTAS, type ExecutionQuotas } from '../../../../local/runtime/execution-quotas.js';
import type { HistoryEventShape } from '../../../../local/runtime/history-events.js';
import { WorkflowRunner } from '../../../../local/runtime/workflow-runner.js';
import { type Definition, WAIT_FOR_TASK_TOKEN_SQS } from '../../../../statemachines/production-definition.js';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:echo';

function runner(
  definition: Definition,
  quotas: Partial<ExecutionQuotas> = {},
  sqs = new SQSClient({ region: 'us-east-1' }),
) {
  return new WorkflowRunner({
    stateMachineName: 'quota-test',
    definition,
    functionArns: new Set([FUNCTION_ARN]),
    invoke: async (_arn, event) => event,
    sqs,
    taskTokens: new TaskTokenService(),
    quotas: { ...AWS_EXECUTION_QUOTAS, ...quotas },
  });
}

/** A Map over `$.items` whose iterations each call one Lambda Task. */
const mapOfTasks = (concurrency: { MaxConcurrency?: number; MaxConcurrencyPath?: string } = {}): Definition => ({
  StartAt: 'Each item',
  States: {
    'Each item': {
      Type: 'Map',
      ItemsPath: '$.items',
      ...concurrency,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Echo',
        States: { Echo: { Type: 'Task', Resource: FUNCTION_ARN, End: true } },
      },
      End: true,
    },
  },
});

describe('the local runner counts history as Step Functions does', () => {
  it('counts the execution, each Map iteration and each Lambda Task by their events', async () => {
    // Prepare
    const machine = runner(mapOfTasks());

    // Act
    const outcome = await machine.run('three-items', { items: [1, 2, 3] });

    // Assess
    // ExecutionStarted/Succeeded 2; MapStateEntered/Started/Succeeded/Exited 4; per item: iteration 2 + Task 5.
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', events: 2 + 4 + 3 * 7 });
  });

  it('counts exactly the events the history lists, through a retry, a Map and a caught error', async () => {
    // Prepare
    const flaky = 'arn:aws:lambda:us-east-1:000000000000:function:flaky';
    const refusing = 'arn:aws:lambda:us-east-1:000000000000:function:refusing';
    let flakyCalls = 0;
    const machine = new WorkflowRunner({
      stateMachineName: 'history-test',
      definition: {
        StartAt: 'Flaky',
        States: {
          Flaky: {
            Type: 'Task',
            Resource: flaky,
            Retry: [{ ErrorEquals: ['Flake'], MaxAttempts: 2 }],
            ResultPath: null,
            Next: 'Each item',
          },
          'Each item': {
            Type: 'Map',
            ItemsPath: '$.items',
            ItemProcessor: {
              ProcessorConfig: { Mode: 'INLINE' },
              StartAt: 'Echo',
              States: { Echo: { Type: 'Task', Resource: FUNCTION_ARN, End: true } },
            },
            ResultPath: null,
            Next: 'Refused',
          },
          Refused: {
            Type: 'Task',
            Resource: refusing,
            Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }],
            Next: 'Done',
          },
          Done: { Type: 'Succeed' },
        },
      },
      functionArns: new Set([FUNCTION_ARN, flaky, refusing]),
      invoke: async (arn, event) => {
        if (arn === flaky && ++flakyCalls === 1) throw Object.assign(new Error('once'), { name: 'Flake' });
        if (arn === refusing) throw Object.assign(new Error('no'), { name: 'Refused' });
        return event;
      },
      sqs: new SQSClient({ region: 'us-east-1' }),
      taskTokens: new TaskTokenService(),
      retryDelayMs: 1,
    });
    const history: HistoryEventShape[] = [];

    // Act
    const outcome = await machine.run('retried-mapped-caught', { items: [1, 2] }, (_event, written) =>
      history.push(...written),
    );

    // Assess
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.events).toBe(history.length);
    // The execution 2; Flaky 5 and its retry 3; the Map 4, and per item its iteration 2 + Task 5; Refused 5,
    // its Failed in place of Succeeded; Done's Entered and Exited 2.
    expect(history.length).toBe(2 + (5 + 3) + (4 + 2 * 7) + 5 + 2);
    expect(history.filter((event) => event.type === 'TaskSucceeded')).toHaveLength(1 + 2);
  });

  it('fails an execution whose history reaches the quota, as AWS does', async () => {
    // Prepare
    const machine = runner(mapOfTasks(), { historyEvents: 20 });

    // Act
    const outcome = await machine.run('too-long', { items: [1, 2, 3, 4, 5] });

    // Assess
    expect(outcome.status).toBe('FAILED');
    expect(outcome).toMatchObject({
      error: {
        name: 'States.Runtime',
        cause: expect.stringMatching(/history reached \d+ events; Step Functions allows 20/),
      },
    });
  });
});

describe('the local runner enforces the payload quota', () => {
  it('fails a state whose output is over the quota with States.DataLimitExceeded, which no Catch sees', async () => {
    // Prepare
    const definition: Definition = {
      StartAt: 'Grow',
      States: {
        Grow: { Type: 'Pass', Result: { text: 'x'.repeat(2000) }, ResultPath: '$.grown', Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    };
    const machine = runner(definition, { payloadBytes: 1024 });

    // Act
    const outcome = await machine.run('too-big', { small: true });

    // Assess
    expect(outcome).toMatchObject({
      status: 'FAILED',
      error: { name: 'States.DataLimitExceeded', cause: expect.stringMatching(/output of "Grow"/) },
    });
  });

  it('refuses an SQS message over the quota before it is sent', async () => {
    // Prepare
    const sent: unknown[] = [];
    const sqs = new SQSClient({ region: 'us-east-1' });
    sqs.send = (async (command: unknown) => sent.push(command)) as never;
    const definition: Definition = {
      StartAt: 'Send',
      States: {
        Send: {
          Type: 'Task',
          Resource: WAIT_FOR_TASK_TOKEN_SQS,
          Parameters: {
            QueueUrl: 'http://127.0.0.1:1/queue',
            MessageBody: { 'text.$': '$.text', 'taskToken.$': '$$.Task.Token' },
          },
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Succeed' },
      },
    };
    const machine = runner(definition, { payloadBytes: 2048 }, sqs);

    // Act
    const outcome = await machine.run('big-message', { text: 'y'.repeat(1500) + 'z'.repeat(1500) });

    // Assess
    expect(sent).toEqual([]);
    expect(outcome).toMatchObject({ status: 'FAILED' });
    expect((outcome as { error: { name: string } }).error.name).toMatch(/^States\.DataLimitExceeded$/);
  });
});

describe('the local runner enforces the Map and name quotas', () => {
  it('refuses a definition whose inline Map asks for more than 40 at once', () => {
    // Act
    const loading = () => runner(mapOfTasks({ MaxConcurrency: 41 }));

    // Assess
    expect(loading).toThrow(/MaxConcurrency 41 is above the 40 an inline Map honours/);
  });

  it('fails an execution whose MaxConcurrencyPath asks for more than 40 at once', async () => {
    // Prepare
    const machine = runner(mapOfTasks({ MaxConcurrencyPath: '$.concurrency' }));

    // Act
    const outcome = await machine.run('too-wide', { items: [1], concurrency: 50 });

    // Assess
    expect(outcome).toMatchObject({
      status: 'FAILED',
      error: { name: 'States.Runtime', cause: expect.stringMatching(/MaxConcurrency 50/) },
    });
  });

  it('refuses an execution name over 80 characters', async () => {
    // Prepare
    const machine = runner(mapOfTasks());

    // Act
    const starting = machine.run('n'.repeat(81), { items: [] });

    // Assess
    await expect(starting).rejects.toMatchObject({ name: 'InvalidName' });
  });
});
