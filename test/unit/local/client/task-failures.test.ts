import { describe, expect, it } from 'vitest';
import {
  describeFailure,
  rootFailure,
  type TaskFailure,
  taskFailuresInHistory,
} from '../../../../local/client/task-failures.js';

const childDescription = (name: string) =>
  JSON.stringify({
    ExecutionArn: `arn:aws:states:us-east-1:000000000000:execution:episodes:${name}`,
    Status: 'FAILED',
    Error: 'SceneOutcomeNotRecorded',
    Cause: 'The scene outcome could not be written.',
  });

describe('the failure under the Fail state that ended a production', () => {
  it("is the execution's last Task failure, a retried or caught earlier one aside", () => {
    // Prepare
    const failures: TaskFailure[] = [
      { execution: 'p', stateName: 'Validate manifest', error: 'ProviderTimeout', cause: 'first attempt' },
      {
        execution: 'p',
        stateName: 'Validate manifest',
        error: 'AccessDenied',
        cause: 'not authorized to perform: s3:GetObject',
      },
    ];

    // Act
    const root = rootFailure(failures, 'p');

    // Assess
    expect(root).toBe(failures[1]);
  });

  it("is followed into the child execution a failed startExecution Task ran, and into that child's own children", () => {
    // Prepare
    const failures: TaskFailure[] = [
      { execution: 'p--ep01', stateName: 'Render keyframes', error: 'ProviderTimeout', cause: 'caught and recorded' },
      {
        execution: 'p--ep02',
        stateName: 'Produce scenes',
        error: 'States.TaskFailed',
        cause: childDescription('p--ep02--part'),
      },
      {
        execution: 'p--ep02--part',
        stateName: 'Mark scene complete',
        error: 'AccessDeniedException',
        cause: 'not authorized to perform: dynamodb:UpdateItem',
      },
      { execution: 'p', stateName: 'Produce episode', error: 'States.TaskFailed', cause: childDescription('p--ep02') },
    ];

    // Act
    const root = rootFailure(failures, 'p');

    // Assess
    expect(root).toBe(failures[2]);
  });

  it('is the starting Task itself when its child recorded no failure of its own, and nothing when no Task failed', () => {
    // Prepare
    const failures: TaskFailure[] = [
      { execution: 'p', stateName: 'Produce episode', error: 'States.TaskFailed', cause: childDescription('p--ep01') },
    ];

    // Act
    const roots = [rootFailure(failures, 'p'), rootFailure([], 'p')];

    // Assess
    expect(roots).toEqual([failures[0], undefined]);
  });
});

describe('a Task failure, described', () => {
  it("names the state and the error, and gives a Lambda error's message rather than its JSON and trace", () => {
    // Prepare
    const lambda = {
      execution: 'p',
      stateName: 'Render keyframes',
      error: 'ProviderAuthFailed',
      cause: JSON.stringify({
        errorType: 'ProviderAuthFailed',
        errorMessage: 'the provider answered 401',
        trace: ['at x'],
      }),
    };
    const plain = {
      execution: 'p',
      stateName: 'Validate manifest',
      error: 'Lambda.AWSLambdaException',
      cause: 'not authorized',
    };

    // Act
    const described = [describeFailure(lambda), describeFailure(plain)];

    // Assess
    expect(described).toEqual([
      'Render keyframes failed with ProviderAuthFailed: the provider answered 401',
      'Validate manifest failed with Lambda.AWSLambdaException: not authorized',
    ]);
  });
});

describe("the Task failures of an execution's history", () => {
  it('are its TaskFailed events, each named after the Task state entered before it', () => {
    // Prepare
    const events = [
      { type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Validate manifest' } },
      { type: 'TaskFailed', taskFailedEventDetails: { error: 'ProviderTimeout', cause: 'slow' } },
      { type: 'TaskSucceeded' },
      { type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Plan production' } },
      { type: 'TaskFailed', taskFailedEventDetails: { error: 'AccessDenied', cause: 'denied' } },
    ];

    // Act
    const failures = taskFailuresInHistory('p', events);

    // Assess
    expect(failures).toEqual([
      { execution: 'p', stateName: 'Validate manifest', error: 'ProviderTimeout', cause: 'slow' },
      { execution: 'p', stateName: 'Plan production', error: 'AccessDenied', cause: 'denied' },
    ]);
  });
});
