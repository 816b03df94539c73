import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExecutionEvent } from '../runtime/local-runtime.js';

/** What one local event becomes in the history, before it is numbered. */
export interface HistoryEventShape {
  /** Epoch seconds, as the JSON protocol carries timestamps. */
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

/** One event of an execution's history, shaped as GetExecutionHistory returns it. */
export interface HistoryEvent extends HistoryEventShape {
  id: number;
  previousEventId: number;
}

const json = (value: unknown) => (value === undefined ? undefined : JSON.stringify(value));

/** The Task's resource, as Step Functions names the three kinds dramaforge's workflows use. */
export interface TaskResources {
  resourceOf(stateName: string): { resourceType: string; resource: string } | undefined;
}

/**
 * Turns the local engine's events into Step Functions' history event types: a state's
 * Entered/Exited take its type's name (TaskStateEntered, MapStateExited, ...), a Task gets its
 * Scheduled, Started and Succeeded or Failed between them, and a Map its iteration events.
 */
export function historyEventsOf(event: ExecutionEvent, resources: TaskResources): HistoryEventShape[] {
  const timestamp = event.timestamp / 1000;
  const at = (type: string, details: Record<string, unknown> = {}): HistoryEventShape => ({ ...details, timestamp, type });
  const failure = { error: event.error, cause: event.cause };
  switch (event.type) {
    case 'ExecutionStarted':
      return [at('ExecutionStarted', { executionStartedEventDetails: { input: json(event.input) ?? '{}', roleArn: 'arn:aws:iam::000000000000:role/dramaforge-local' } })];
    case 'ExecutionSucceeded':
      return [at('ExecutionSucceeded', { executionSucceededEventDetails: { output: json(event.output) ?? 'null' } })];
    case 'ExecutionFailed':
      return [at('ExecutionFailed', { executionFailedEventDetails: failure })];
    case 'ExecutionTerminated':
      return [at('ExecutionAborted', { executionAbortedEventDetails: failure })];
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
  switch (event.type) {
    case 'StateEntered': {
      const entered = at(`${stateType}StateEntered`, { stateEnteredEventDetails: { name, input: json(event.input) ?? '{}' } });
      if (!task) return [entered];
      return [entered, at('TaskScheduled', { taskScheduledEventDetails: { ...task, region: 'us-east-1', parameters: json(event.input) ?? '{}' } }), at('TaskStarted', { taskStartedEventDetails: task })];
    }
    case 'StateExited': {
      const exited = at(`${stateType}StateExited`, { stateExitedEventDetails: { name, output: json(event.output) ?? 'null' } });
      return task ? [at('TaskSucceeded', { taskSucceededEventDetails: { ...task, output: json(event.output) ?? 'null' } }), exited] : [exited];
    }
    case 'StateFailed':
      if (task) return [at('TaskFailed', { taskFailedEventDetails: { ...task, ...failure } })];
      return stateType === 'Map' || stateType === 'Parallel' ? [at(`${stateType}StateFailed`, {})] : [];
    case 'StateRetried':
      return task ? [at('TaskScheduled', { taskScheduledEventDetails: { ...task, region: 'us-east-1', parameters: json(event.input) ?? '{}' } }), at('TaskStarted', { taskStartedEventDetails: task })] : [];
    default:
      return [];
  }
}

interface Recorded {
  events: HistoryEvent[];
  file?: WriteStream;
}

/**
 * Every execution's history, kept in memory and appended to `<dir>/<execution>.jsonl` as it
 * happens, so GetExecutionHistory answers for executions of earlier studio runs too. An
 * execution started again under its name (a local resume) begins a new history.
 */
export class ExecutionHistories {
  private readonly histories = new Map<string, Recorded>();
  private readonly listeners = new Set<(execution: string, event: HistoryEvent) => void>();

  constructor(
    private readonly dir: string,
    private readonly resources: (event: ExecutionEvent) => TaskResources,
  ) {}

  private file(execution: string): string {
    return path.join(this.dir, `${execution}.jsonl`);
  }

  record(event: ExecutionEvent): void {
    const execution = event.executionName;
    let recorded = this.histories.get(execution);
    if (event.type === 'ExecutionStarted') {
      recorded?.file?.end();
      recorded = { events: [], file: undefined };
      this.histories.set(execution, recorded);
      recorded.file = createWriteStream(this.file(execution), { flags: 'w' });
    }
    if (!recorded) return;
    for (const shape of historyEventsOf(event, this.resources(event))) {
      const id = recorded.events.length + 1;
      const historyEvent: HistoryEvent = { ...shape, id, previousEventId: id - 1 };
      recorded.events.push(historyEvent);
      recorded.file?.write(`${JSON.stringify(historyEvent)}\n`);
      for (const listener of this.listeners) listener(execution, historyEvent);
    }
    if (['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTerminated'].includes(event.type)) {
      recorded.file?.end();
      recorded.file = undefined;
    }
  }

  onEvent(listener: (execution: string, event: HistoryEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async ready(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  /** The whole history of an execution, oldest first; empty when none was recorded. */
  async of(execution: string): Promise<HistoryEvent[]> {
    const recorded = this.histories.get(execution);
    if (recorded) return recorded.events;
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(execution)) return [];
    try {
      const text = await readFile(this.file(execution), 'utf8');
      // A process killed mid-write leaves a partial last line: the events before it stand.
      const events = text.split('\n').flatMap((line) => {
        try {
          return line.trim() === '' ? [] : [JSON.parse(line) as HistoryEvent];
        } catch {
          return [];
        }
      });
      this.histories.set(execution, { events });
      return events;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.histories.values()].map(
        (recorded) => new Promise<void>((resolve) => (recorded.file ? recorded.file.end(() => resolve()) : resolve())),
      ),
    );
  }
}
