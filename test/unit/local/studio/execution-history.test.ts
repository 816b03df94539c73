import { describe, expect, it } from 'vitest';
import { historyTranslation, taskResources, type WorkflowEvent } from '../../../../local/runtime/history-events.js';
import { stateProgress } from '../../../../local/studio/console-server.js';
import type { HistoryEvent } from '../../../../local/studio/execution-history.js';
import type { Definition } from '../../../../statemachines/production-definition.js';

const definition = {
  StartAt: 'Plan',
  States: {
    Plan: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:000000000000:function:plan',
      Next: 'Scenes',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }],
    },
    Scenes: {
      Type: 'Map',
      ItemProcessor: {
        StartAt: 'Render',
        States: { Render: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', End: true } },
      },
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
    Failed: { Type: 'Fail' },
  },
} as unknown as Definition;

const event = (type: string, extra: Partial<WorkflowEvent> = {}): WorkflowEvent => ({
  type,
  timestamp: 1_000,
  ...extra,
});

/** The history of a run in which the Map's second iteration fails and the execution fails with it. */
function history(): HistoryEvent[] {
  const local = [
    event('ExecutionStarted', { input: { key: 'manifests/m.yaml' } }),
    event('StateEntered', { stateName: 'Plan', stateType: 'Task', input: {} }),
    event('StateExited', { stateName: 'Plan', stateType: 'Task', output: { ok: true } }),
    event('StateEntered', { stateName: 'Scenes', stateType: 'Map' }),
    event('MapIterationStarted', { parentStateName: 'Scenes', index: 0 }),
    event('StateEntered', { stateName: 'Render', stateType: 'Task', index: 0 }),
    event('StateExited', { stateName: 'Render', stateType: 'Task', index: 0 }),
    event('MapIterationSucceeded', { parentStateName: 'Scenes', index: 0 }),
    event('MapIterationStarted', { parentStateName: 'Scenes', index: 1 }),
    event('StateEntered', { stateName: 'Render', stateType: 'Task', index: 1 }),
    event('StateFailed', { stateName: 'Render', stateType: 'Task', index: 1, error: 'ProviderRejected', cause: 'no' }),
    event('MapIterationFailed', { parentStateName: 'Scenes', index: 1 }),
    event('ExecutionFailed', { error: 'States.TaskFailed', cause: 'no' }),
  ];
  const shapes = local.flatMap(historyTranslation(taskResources(definition)));
  return shapes.map((shape, index) => ({ ...shape, id: index + 1, previousEventId: index }));
}

describe("an execution's history, as Step Functions records it", () => {
  it('names events by state type, gives a Task its scheduled, started (submitted when it waits) and outcome events, and a Map its start and iterations', () => {
    // Act
    const events = history();

    // Assess
    expect(events.map((item) => item.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'MapStateEntered',
      'MapStateStarted',
      'MapIterationStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'MapIterationSucceeded',
      'MapIterationStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskFailed',
      'MapIterationFailed',
      'ExecutionFailed',
    ]);
    expect(events[2]!.taskScheduledEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke' });
    expect(events[10]!.taskScheduledEventDetails).toMatchObject({
      resourceType: 'sqs',
      resource: 'sendMessage.waitForTaskToken',
    });
    expect(events[21]!.taskFailedEventDetails).toMatchObject({ error: 'ProviderRejected', cause: 'no' });
    expect(events[0]!.executionStartedEventDetails).toMatchObject({ input: '{"key":"manifests/m.yaml"}' });
    expect(events[0]!.timestamp).toBe(1);
  });

  it("colours the graph's states from it, with the Map's iteration counts", () => {
    // Act
    const progress = stateProgress(definition, history(), 'FAILED');

    // Assess
    expect(progress.Plan!.status).toBe('SUCCEEDED');
    expect(progress.Render).toMatchObject({ entered: 2, exited: 1, failed: 1, status: 'FAILED' });
    expect(progress.Scenes).toMatchObject({ status: 'FAILED', iterations: { started: 2, succeeded: 1, failed: 1 } });
    expect(progress.Done!.status).toBe('NOT_STARTED');
    expect(progress.Failed!.status).toBe('NOT_STARTED');
  });

  it('shows a failure its Catch took as caught', () => {
    // Prepare
    const local = [
      event('ExecutionStarted'),
      event('StateEntered', { stateName: 'Plan', stateType: 'Task' }),
      event('StateFailed', { stateName: 'Plan', stateType: 'Task', error: 'ManifestInvalid', cause: 'bad' }),
      event('StateEntered', { stateName: 'Failed', stateType: 'Fail' }),
      event('ExecutionFailed', { error: 'ManifestInvalid', cause: 'bad' }),
    ];
    const events = local
      .flatMap(historyTranslation(taskResources(definition)))
      .map((shape, index) => ({ ...shape, id: index + 1, previousEventId: index }));

    // Act
    const progress = stateProgress(definition, events, 'FAILED');

    // Assess
    expect(progress.Plan!.status).toBe('CAUGHT');
    expect(progress.Failed!.status).toBe('FAILED');
    expect(progress.Scenes!.status).toBe('NOT_STARTED');
  });
});
