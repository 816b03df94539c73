import type { AssemblyProgress } from '../../lambdas/core/domain/production-model.js';
import type { ExecutionEvent } from '../runtime/index.js';
import type { TaskFailure } from './task-failures.js';

export interface ProgressSnapshot {
  elapsedSeconds: number;
  activeStates: Map<string, number>;
  scenesDone: number;
  scenesTotal: number;
  /** Confirmed spend, and the unconfirmed charges that count against the budget beside it. */
  spentUsd: number;
  unconfirmedUsd: number;
  budgetUsd: number;
  /** Each episode being assembled, and where its assembly is (`ep01: encoding 42%`). */
  assembling?: string[];
}

/** The states running now, and the time spent in each so far. */
export interface RunningStates {
  readonly active: Map<string, number>;
  readonly totalMilliseconds: Map<string, number>;
  /** Times each state was entered, retries and parallel entries each counted. */
  readonly entries: Map<string, number>;
}

/** Which Task and Map states are running right now, counted from the execution's events. */
export class ActiveStates implements RunningStates {
  private readonly counts = new Map<string, number>();
  /** Milliseconds spent in each state, summed over every entry (parallel entries add up). */
  readonly totalMilliseconds = new Map<string, number>();
  readonly entries = new Map<string, number>();
  private readonly entered = new Map<string, number[]>();
  /** Every Task failure of the production's executions, retried and caught ones included, in order. */
  readonly failures: TaskFailure[] = [];

  constructor(private readonly tracked: Set<string>) {}

  observe(event: ExecutionEvent): void {
    if (event.type === 'StateFailed' && event.stateType === 'Task' && event.stateName) {
      this.failures.push({
        execution: event.executionName,
        stateName: event.stateName,
        error: event.error ?? '',
        cause: event.cause ?? '',
      });
    }
    if (!event.stateName || !this.tracked.has(event.stateName)) return;
    if (event.type === 'StateEntered') {
      this.counts.set(event.stateName, (this.counts.get(event.stateName) ?? 0) + 1);
      this.entries.set(event.stateName, (this.entries.get(event.stateName) ?? 0) + 1);
      const starts = this.entered.get(event.stateName);
      if (starts) starts.push(event.timestamp);
      else this.entered.set(event.stateName, [event.timestamp]);
    } else if (event.type === 'StateExited' || event.type === 'StateFailed' || event.type === 'StateCaught') {
      const count = (this.counts.get(event.stateName) ?? 1) - 1;
      if (count <= 0) this.counts.delete(event.stateName);
      else this.counts.set(event.stateName, count);
      // Entries pair with exits first-in first-out; a sum does not depend on which pairs with which.
      const start = this.entered.get(event.stateName)?.shift();
      if (start !== undefined)
        this.totalMilliseconds.set(
          event.stateName,
          (this.totalMilliseconds.get(event.stateName) ?? 0) + event.timestamp - start,
        );
    }
  }

  get active(): Map<string, number> {
    return new Map(this.counts);
  }
}

/** The episodes an execution is assembling now, each with its step and, while it encodes, its percentage. */
export function assemblingNow(assembly: Record<string, AssemblyProgress> | undefined): string[] {
  return Object.entries(assembly ?? {})
    .filter(([, progress]) => progress.step !== 'done')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([episodeId, progress]) =>
        `${episodeId}: ${progress.step}${progress.percent !== undefined ? ` ${progress.percent}%` : ''}`,
    );
}

export function formatProgress(snapshot: ProgressSnapshot): string {
  const minutes = Math.floor(snapshot.elapsedSeconds / 60);
  const seconds = Math.floor(snapshot.elapsedSeconds % 60);
  const clock = `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
  const stages =
    [...snapshot.activeStates.entries()].map(([name, count]) => (count > 1 ? `${name} x${count}` : name)).join(', ') ||
    'waiting';
  const spent = `$${(snapshot.spentUsd + snapshot.unconfirmedUsd).toFixed(4)}${snapshot.unconfirmedUsd > 0 ? ` ($${snapshot.unconfirmedUsd.toFixed(4)} unconfirmed)` : ''}`;
  const assembling = snapshot.assembling?.length ? ` | assembling ${snapshot.assembling.join(', ')}` : '';
  return `[${clock}] scenes ${snapshot.scenesDone}/${snapshot.scenesTotal} done | spent ${spent} of $${snapshot.budgetUsd.toFixed(2)} | ${stages}${assembling}`;
}

/** Each followed production's running states, its episodes' included, counted from the runtime's events. */
export class ProductionStates {
  private readonly byProduction = new Map<string, ActiveStates>();

  /** `tracked` names the states to count; it is read when the first event comes, once the runtime has loaded its machines. */
  constructor(private readonly tracked: () => string[]) {}

  observe(event: ExecutionEvent): void {
    this.of(event.productionExecution).observe(event);
  }

  of(productionExecution: string): ActiveStates {
    let states = this.byProduction.get(productionExecution);
    if (!states) {
      states = new ActiveStates(new Set(this.tracked()));
      this.byProduction.set(productionExecution, states);
    }
    return states;
  }
}
