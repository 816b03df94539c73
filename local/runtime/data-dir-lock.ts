import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What the lock file says about the process that owns a data directory. */
export interface DataDirOwner {
  pid: number;
  /** The command that holds it, as a person would type it: `dramaforge studio`, `dramaforge produce`. */
  command: string;
  /** A studio's edge endpoint, so a `produce` can become its client. */
  endpoint?: string;
}

/** A second process would open the engines of a data directory another process owns. */
export class DataDirectoryInUse extends Error {
  override readonly name = 'DataDirectoryInUse';
  constructor(
    readonly dataDir: string,
    readonly owner: DataDirOwner,
  ) {
    super(`${displayed(dataDir)} is in use by ${owner.command} (pid ${owner.pid}); stop it or pass --data DIR`);
  }
}

const LOCK_FILE = 'owner.lock';

function displayed(dataDir: string): string {
  return path.relative(process.cwd(), dataDir) || '.';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live owner of a data directory, if any; a lock left by a process that died does not count. */
export function dataDirOwner(dataDir: string): DataDirOwner | undefined {
  let owner: DataDirOwner;
  try {
    owner = JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')) as DataDirOwner;
  } catch {
    return undefined;
  }
  return Number.isInteger(owner.pid) && alive(owner.pid) ? owner : undefined;
}

export interface DataDirLock {
  readonly owner: DataDirOwner;
  /** Adds what clients need to find the owner (a studio's endpoint) to the lock file. */
  update(details: Pick<DataDirOwner, 'endpoint'>): void;
  release(): void;
}

/**
 * Makes this process the one owner of `dataDir`: dynalite's LevelDB and the SQS journal open in one
 * process at a time, and a second opener crashes half-way (`Database is closed`) instead of saying
 * who holds them. The lock file holds the owner's pid; a lock whose process is gone (a crash, a
 * SIGKILL) is taken over. Released on `release()` and when the process exits.
 */
export function acquireDataDirLock(dataDir: string, command: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  let owner: DataDirOwner = { pid: process.pid, command };
  const write = (flag: 'wx' | 'w') => writeFileSync(file, `${JSON.stringify(owner)}\n`, { flag, mode: 0o600 });
  for (;;) {
    try {
      write('wx');
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = dataDirOwner(dataDir);
    if (holder) throw new DataDirectoryInUse(dataDir, holder);
    // Stale: its process is gone. Removing it and creating anew keeps two late-comers from both winning.
    try {
      unlinkSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    try {
      if ((JSON.parse(readFileSync(file, 'utf8')) as DataDirOwner).pid === process.pid) unlinkSync(file);
    } catch {
      // Already gone: nothing to release.
    }
  };
  process.on('exit', release);
  return {
    get owner() {
      return owner;
    },
    update(details) {
      owner = { ...owner, ...details };
      write('w');
    },
    release,
  };
}
