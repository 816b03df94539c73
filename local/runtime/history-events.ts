import { type Definition, taskStates } from '../../statemachines/production-definition.js';

/** One event of an execution, as the local engine reports it, with its state's fields lifted to the top. */
export interface WorkflowEvent {
  type: string;
  timestamp: number;
  stateName?: string;
  /** The state's type (Task, Map, Pass, ...), for a history that names events as Step Functions does. */
  stateType?: string;
  /** The Map iteration this state event happened in, or that a MapIteration event is about. */
  index?: number;
  /** The Map a MapIteration event belongs to. */
  parentStateName?: string;
  input?: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
}

/** What one local event becomes in the history, before it is numbered. */
export interface HistoryEventShape {
  /** Epoch seconds, as the JSON protocol carries timestamps. */
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

/** A Task's resource, as the history names it. */
export interface TaskResource {
  resourceType: string;
  resource: string;
}

export interface TaskResources {
  resourceOf(stateName: string): TaskResource | undefined;
}

/** Each Task's resource as the history names it: `lambda`/`invoke`, `sqs`/`sendMessage.waitForTaskToken`, `states`/`startExecution.sync:2`. */
export function taskResources(definition: Definition): TaskResources {
  const byName = new Map(
    taskStates(definition).map(({ name, state }) => {
      const resource = state.Resource ?? '';
      const integration = resource.startsWith('arn:aws:states:::')
        ? resource.slice('arn:aws:states:::'.length)
        : 'lambda:invoke';
      const [resourceType, ...rest] = integration.split(':');
      return [name, { resourceType: resourceType!, resource: rest.join(':') }] as const;
    }),
  );
  return { resourceOf: (stateName) => byName.get(stateName) };
}

/** A Task that waits for a callback or a job (`.waitForTaskToken`, `.sync`) is also Submitted, on each attempt. */
const waitsAfterSubmitting = (task: TaskResource) => /\.(waitForTaskToken|sync(:2)?)$/.test(task.resource);

const json = (value: unknown) => (value === undefined ? undefined : JSON.stringify(value));

const EXECUTION_ENDS = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);

/** The last event an execution's history gets. */
export function endsExecution(event: HistoryEventShape): boolean {
  return EXECUTION_ENDS.has(event.type);
}

/**
 * The one translation of the local engine's events into Step Functions' history, for one execution:
 * what GetExecutionHistory lists, and what the history quota counts. A state's Entered/Exited take its
 * type's name (TaskStateEntered, MapStateExited, ...); a Task gets its Scheduled, Started (and Submitted,
 * when it waits) and Succeeded or Failed, again on each retry; a Map its Started and Succeeded or
 * Failed, and its iteration events.
 */
export function historyTranslation(resources: TaskResources): (event: WorkflowEvent) => HistoryEventShape[] {
  // A Task whose failure a Catch took exits without succeeding; the engine says so between the two.
  const caught = new Set<string>();
  return (event) => {
    const key = `${event.stateName ?? ''}#${event.index ?? ''}`;
    if (event.type === 'StateCaught') caught.add(key);
    const exitsCaught = event.type === 'StateExited' && caught.delete(key);
    return historyEventsOf(event, resources, exitsCaught);
  };
}

function historyEventsOf(event: WorkflowEvent, resources: TaskResources, exitsCaught: boolean): HistoryEventShape[] {
  const timestamp = event.timestamp / 1000;
  const at = (type: string, details: Record<string, unknown> = {}): HistoryEventShape => ({
    ...details,
    timestamp,
    type,
  });
  const failure = { error: event.error, cause: event.cause };
  switch (event.type) {
    case 'ExecutionStarted':
      return [
        at('ExecutionStarted', {
          executionStartedEventDetails: {
            input: json(event.input) ?? '{}',
            roleArn: 'arn:aws:iam::000000000000:role/dramaforge-local',
          },
        }),
      ];
    case 'ExecutionSucceeded':
      return [at('ExecutionSucceeded', { executionSucceededEventDetails: { output: json(event.output) ?? 'null' } })];
    case 'ExecutionFailed':
      return [at('ExecutionFailed', { executionFailedEventDetails: failure })];
    case 'ExecutionAborted':
      return [at('ExecutionAborted', { executionAbortedEventDetails: failure })];
    case 'ExecutionTimeout':
      return [at('ExecutionTimedOut', { executionTimedOutEventDetails: failure })];
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
    case 'MapIterationFailed':
      return [at(event.type, { mapIterationStartedEventDetails: { name: event.parentStateName, index: event.index } })];
    default:
      break;
  }
  const name = event.stateName ?? '';
  const stateType = event.stateType ?? 'Pass';
  const task = stateType === 'Task' ? resources.resourceOf(name) : undefined;
  const fansOut = stateType === 'Map' || stateType === 'Parallel';
  const attempt = (task: TaskResource) => [
    at('TaskScheduled', {
      taskScheduledEventDetails: { ...task, region: 'us-east-1', parameters: json(event.input) ?? '{}' },
    }),
    at('TaskStarted', { taskStartedEventDetails: task }),
    ...(waitsAfterSubmitting(task) ? [at('TaskSubmitted', { taskSubmittedEventDetails: task })] : []),
  ];
  switch (event.type) {
    case 'StateEntered': {
      const entered = at(`${stateType}StateEntered`, {
        stateEnteredEventDetails: { name, input: json(event.input) ?? '{}' },
      });
      if (task) return [entered, ...attempt(task)];
      return fansOut ? [entered, at(`${stateType}StateStarted`)] : [entered];
    }
    case 'StateExited': {
      const exited = at(`${stateType}StateExited`, {
        stateExitedEventDetails: { name, output: json(event.output) ?? 'null' },
      });
      if (exitsCaught) return [exited];
      if (task)
        return [
          at('TaskSucceeded', { taskSucceededEventDetails: { ...task, output: json(event.output) ?? 'null' } }),
          exited,
        ];
      return fansOut ? [at(`${stateType}StateSucceeded`), exited] : [exited];
    }
    case 'StateFailed':
      if (task) return [at('TaskFailed', { taskFailedEventDetails: { ...task, ...failure } })];
      return fansOut ? [at(`${stateType}StateFailed`)] : [];
    case 'StateRetried':
      return task ? attempt(task) : [];
    default:
      return [];
  }
}
