import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { TaskTokenService } from '../../../../local/engines/task-token-service.js';
import { WorkflowRunner } from '../../../../local/runtime/workflow-runner.js';
import type { Definition } from '../../../../statemachines/production-definition.js';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:work';

class ItemFailed extends Error {
  override readonly name = 'ItemFailed';
}

function runnerCalling(invoke: (event: unknown) => Promise<unknown>, definition: Definition) {
  return new WorkflowRunner({
    stateMachineName: 'map-failure-test',
    definition,
    functionArns: new Set([FUNCTION_ARN]),
    invoke: (_arn, event) => invoke(event),
    sqs: new SQSClient({ region: 'us-east-1' }),
    taskTokens: new TaskTokenService(),
  });
}

const oneAtATime = (catchAll: boolean): Definition => ({
  StartAt: 'Each item',
  States: {
    'Each item': {
      Type: 'Map',
      ItemsPath: '$.items',
      MaxConcurrency: 1,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Work',
        States: { Work: { Type: 'Task', Resource: FUNCTION_ARN, End: true } },
      },
      ...(catchAll ? { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }], Next: 'Done' } : { End: true }),
    },
    ...(catchAll ? { Failed: { Type: 'Pass', Result: 'caught', End: true }, Done: { Type: 'Succeed' } } : {}),
  },
});

describe('a Map state whose iteration fails', () => {
  it('starts none of its queued iterations, as Step Functions stops them', async () => {
    // Prepare
    const called: number[] = [];
    const machine = runnerCalling(async (event) => {
      called.push(event as number);
      if (event === 2) throw new ItemFailed('item 2 cannot be done');
      return event;
    }, oneAtATime(false));

    // Act
    const outcome = await machine.run('fails-at-two', { items: [1, 2, 3, 4, 5] });

    // Assess
    expect(outcome).toMatchObject({ status: 'FAILED', error: { name: 'ItemFailed' } });
    await new Promise((resolve) => setImmediate(resolve));
    expect(called).toEqual([1, 2]);
  });

  it('stops its queued iterations when the failure is caught, and a later run of the same machine runs every item', async () => {
    // Prepare
    const called: number[] = [];
    let failing = true;
    const machine = runnerCalling(async (event) => {
      called.push(event as number);
      if (failing && event === 1) throw new ItemFailed('item 1 cannot be done');
      return event;
    }, oneAtATime(true));

    // Act
    const caught = await machine.run('caught', { items: [1, 2, 3] });
    failing = false;
    const again = await machine.run('again', { items: [1, 2, 3] });

    // Assess
    expect(caught).toMatchObject({ status: 'SUCCEEDED', output: 'caught' });
    expect(again).toMatchObject({ status: 'SUCCEEDED' });
    expect(called).toEqual([1, 1, 2, 3]);
  });
});
