import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type ExecutionEvent, endsExecution, type HistoryEventShape } from '../runtime/index.js';

/** One event of an execution's history, shaped as GetExecutionHistory returns it. */
export interface HistoryEvent extends HistoryEventShape {
  id: number;
  previousEventId: number;
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

  constructor(private readonly dir: string) {}

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
    for (const shape of event.history) {
      const id = recorded.events.length + 1;
      const historyEvent: HistoryEvent = { ...shape, id, previousEventId: id - 1 };
      recorded.events.push(historyEvent);
      recorded.file?.write(`${JSON.stringify(historyEvent)}\n`);
      for (const listener of this.listeners) listener(execution, historyEvent);
    }
    if (event.history.some(endsExecution)) {
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
