import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';

let ticksPerSecond: number | undefined;

function clockTicksPerSecond(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  return ticksPerSecond;
}

/** A /proc/<pid>/stat line's fields after the name, which is in parentheses and may hold spaces. */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime of a /proc/<pid>/stat line: the process's own CPU, all its threads, in clock ticks. */
export function ownCpuTicksOfStat(stat: string): number {
  const fields = statFields(stat);
  // After the name, the state is field 3 of proc(5); utime and stime are fields 14 and 15.
  return Number(fields[11]) + Number(fields[12]);
}

/** cutime + cstime: the CPU of the children it has waited for, theirs included, in clock ticks. */
export function childrenCpuTicksOfStat(stat: string): number {
  const fields = statFields(stat);
  return Number(fields[13]) + Number(fields[14]);
}

function parentOfStat(stat: string): number {
  return Number(statFields(stat)[1]);
}

/**
 * The CPU a run costs, split into the runtime (this process, all its threads, and its Node worker processes)
 * and the media tools (ffmpeg, espeak) that any of them ran. Worker processes are sampled while they live,
 * since they end killed; the tools, too short-lived to sample, are the rest of what the kernel counts for
 * the children this process waited for.
 */
export class RunCpu {
  private readonly startOwn: number;
  private readonly startChildren: number;
  private readonly workerTicks = new Map<number, number>();
  private readonly sampling: NodeJS.Timeout;
  private readonly nodeExecutable = realpathSync(process.execPath);

  constructor(sampleEveryMs = 500) {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    this.startOwn = ownCpuTicksOfStat(stat);
    this.startChildren = childrenCpuTicksOfStat(stat);
    this.sampling = setInterval(() => this.sampleWorkers(), sampleEveryMs);
    this.sampling.unref();
  }

  private sampleWorkers(): void {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      // A process may end between listing and reading: it is then no longer anyone's to count here.
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (parentOfStat(stat) !== process.pid || readlinkSync(`/proc/${entry}/exe`) !== this.nodeExecutable) continue;
        this.workerTicks.set(Number(entry), ownCpuTicksOfStat(stat));
      } catch {}
    }
  }

  /** Seconds of CPU since the start, once every worker process has ended. */
  stop(): { runtimeSeconds: number; mediaToolsSeconds: number } {
    clearInterval(this.sampling);
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const hz = clockTicksPerSecond();
    const workers = [...this.workerTicks.values()].reduce((sum, ticks) => sum + ticks, 0);
    const own = ownCpuTicksOfStat(stat) - this.startOwn;
    const children = childrenCpuTicksOfStat(stat) - this.startChildren;
    return { runtimeSeconds: (own + workers) / hz, mediaToolsSeconds: Math.max(0, children - workers) / hz };
  }
}
