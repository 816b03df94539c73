/** A Task's failure in one execution of a production, as its history has it. */
export interface TaskFailure {
  readonly execution: string;
  readonly stateName: string;
  readonly error: string;
  readonly cause: string;
}

/**
 * The execution a `startExecution.sync` Task ran, when its failure's cause is that child's description
 * (`.sync:2` gives it in PascalCase, `.sync` as DescribeExecution does).
 */
function childExecutionOf(failure: TaskFailure): string | undefined {
  try {
    const described = JSON.parse(failure.cause) as { ExecutionArn?: unknown; executionArn?: unknown };
    const arn = described.ExecutionArn ?? described.executionArn;
    return typeof arn === 'string' ? arn.split(':').at(-1) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What failed a production, below the Fail state that ended it: the execution's last Task failure,
 * followed into the child execution when that Task ran one. `failures` are in the order they happened.
 */
export function rootFailure(failures: readonly TaskFailure[], execution: string): TaskFailure | undefined {
  const last = failures.filter((failure) => failure.execution === execution).at(-1);
  if (!last) return undefined;
  const child = childExecutionOf(last);
  return (child !== undefined ? rootFailure(failures, child) : undefined) ?? last;
}

/** A Task failure as a person reads it: a Lambda error's JSON cause (errorType, errorMessage, trace) is its message. */
export function describeFailure(failure: TaskFailure): string {
  let message = failure.cause;
  try {
    const lambdaError = JSON.parse(failure.cause) as { errorMessage?: unknown };
    if (typeof lambdaError.errorMessage === 'string') message = lambdaError.errorMessage;
  } catch {
    // A cause that is not JSON is the message itself.
  }
  return `${failure.stateName} failed with ${failure.error}${message ? `: ${message}` : ''}`;
}

/** One event of GetExecutionHistory, as far as task failures need it. */
export interface HistoryEventView {
  readonly type?: string;
  readonly stateEnteredEventDetails?: { readonly name?: string };
  readonly taskFailedEventDetails?: { readonly error?: string; readonly cause?: string };
}

/** The Task failures of one execution's history, each named after the Task state entered last before it. */
export function taskFailuresInHistory(execution: string, events: readonly HistoryEventView[]): TaskFailure[] {
  const failures: TaskFailure[] = [];
  let task = '';
  for (const event of events) {
    if (event.type === 'TaskStateEntered') task = event.stateEnteredEventDetails?.name ?? '';
    if (event.type === 'TaskFailed')
      failures.push({
        execution,
        stateName: task,
        error: event.taskFailedEventDetails?.error ?? '',
        cause: event.taskFailedEventDetails?.cause ?? '',
      });
  }
  return failures;
}
