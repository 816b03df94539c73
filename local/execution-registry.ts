import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface ExecutionRecord {
  name: string;
  manifestKey: string;
  status: ExecutionStatus;
  pid: number;
  startedAt: string;
  endedAt?: string;
  output?: unknown;
  error?: { name: string; cause: string };
}

/**
 * The local stand-in for Step Functions' list of executions: one JSON file per
 * execution name under `.dramaforge/executions/`, so a later `produce` knows
 * whether a manifest already ran, is running, or died with its process.
 */
export class ExecutionRegistry {
  constructor(private readonly dir: string) {}

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

  async write(record: ExecutionRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const temporary = `${this.file(record.name)}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`);
    await rename(temporary, this.file(record.name));
  }
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
