import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** PAUSED: stopped at the approval gate with its process, and resumed (replayed from the cache) by the next start. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'PAUSED';

export interface ExecutionRecord {
  name: string;
  /** A production execution (one per manifest) or the episode execution it started. */
  kind: 'production' | 'episode';
  /** The production execution that started an episode execution. */
  parent?: string;
  /** The uploaded manifest a production execution runs. */
  manifestKey?: string;
  status: ExecutionStatus;
  pid: number;
  startedAt: string;
  endedAt?: string;
  output?: unknown;
  error?: { name: string; cause: string };
  /** Events in its history, counted as Step Functions counts them. */
  events?: number;
  /** The Task it waits at for a producer's decision, and that Task's token, while it waits. */
  awaiting?: { stateName: string; token: string; since: string };
}

/**
 * The local stand-in for Step Functions' list of executions: one JSON file per
 * execution name under `.dramaforge/executions/`, so a later `produce` knows
 * whether a manifest already ran, is running, or died with its process.
 */
export class ExecutionRegistry {
  private constructor(private readonly dir: string) {}

  static of(dataDir: string): ExecutionRegistry {
    return new ExecutionRegistry(path.join(dataDir, 'executions'));
  }

  private file(name: string): string {
    return path.join(this.dir, `${name}.json`);
  }

  async read(name: string): Promise<ExecutionRecord | undefined> {
    try {
      return JSON.parse(await readFile(this.file(name), 'utf8')) as ExecutionRecord;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async list(): Promise<ExecutionRecord[]> {
    const names = await readdir(this.dir).catch((error: NodeJS.ErrnoException) =>
      error.code === 'ENOENT' ? [] : Promise.reject(error),
    );
    const records = await Promise.all(
      names.filter((file) => file.endsWith('.json')).map((file) => this.read(file.slice(0, -'.json'.length))),
    );
    return records.filter((record): record is ExecutionRecord => record !== undefined);
  }

  async write(record: ExecutionRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const temporary = `${this.file(record.name)}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`);
    await rename(temporary, this.file(record.name));
  }
}

/** The execution records of a data directory, read without starting a runtime on it. */
export function executionsIn(dataDir: string): Promise<ExecutionRecord[]> {
  return ExecutionRegistry.of(dataDir).list();
}

/** A RUNNING record whose process is gone was cut off (a crash, a SIGKILL): it can be started again. */
export function isAbandoned(record: ExecutionRecord): boolean {
  if (record.status !== 'RUNNING' || record.pid === process.pid) return false;
  try {
    process.kill(record.pid, 0);
    return false;
  } catch {
    return true;
  }
}
