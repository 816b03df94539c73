import type { ExecutionEvent } from './runtime.js';

export interface ProgressSnapshot {
  elapsedSeconds: number;
  activeStates: Map<string, number>;
  scenesDone: number;
  scenesTotal: number;
  spentUsd: number;
  budgetUsd: number;
}

/** Which Task and Map states are running right now, counted from the execution's events. */
export class ActiveStates {
  private readonly counts = new Map<string, number>();
  readonly durations = new Map<string, number[]>();
  private readonly entered = new Map<string, number[]>();

  constructor(private readonly tracked: Set<string>) {}

  observe(event: ExecutionEvent): void {
    if (!event.stateName || !this.tracked.has(event.stateName)) return;
    if (event.type === 'StateEntered') {
      this.counts.set(event.stateName, (this.counts.get(event.stateName) ?? 0) + 1);
      this.entered.set(event.stateName, [...(this.entered.get(event.stateName) ?? []), event.timestamp]);
    } else if (event.type === 'StateExited' || event.type === 'StateFailed' || event.type === 'StateCaught') {
      const count = (this.counts.get(event.stateName) ?? 1) - 1;
      if (count <= 0) this.counts.delete(event.stateName);
      else this.counts.set(event.stateName, count);
      const starts = this.entered.get(event.stateName) ?? [];
      const start = starts.shift();
      if (start !== undefined) this.durations.set(event.stateName, [...(this.durations.get(event.stateName) ?? []), event.timestamp - start]);
    }
  }

  get active(): Map<string, number> {
    return new Map(this.counts);
  }
}

export function formatProgress(snapshot: ProgressSnapshot): string {
  const minutes = Math.floor(snapshot.elapsedSeconds / 60);
  const seconds = Math.floor(snapshot.elapsedSeconds % 60);
  const clock = `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
  const stages =
    [...snapshot.activeStates.entries()].map(([name, count]) => (count > 1 ? `${name} x${count}` : name)).join(', ') || 'waiting';
  return `[${clock}] scenes ${snapshot.scenesDone}/${snapshot.scenesTotal} done | spent $${snapshot.spentUsd.toFixed(4)} of $${snapshot.budgetUsd.toFixed(2)} | ${stages}`;
}
