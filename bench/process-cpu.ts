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
 * The CPU of a process and every process under it, in clock ticks: for each one alive, its own and that of
 * the children it has waited for. A process that ended and was waited for is in its parent's count.
 */
export function processTreeCpuTicks(root: number): { ticks: number; processes: number } {
  const stats = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    // A process may end between listing and reading: its parent has it, or will once it waits for it.
    try {
      stats.set(Number(entry), readFileSync(`/proc/${entry}/stat`, 'utf8'));
    } catch {}
  }
  const inTree = (pid: number): boolean => {
    if (pid === root) return true;
    const stat = stats.get(pid);
    return stat !== undefined && pid > 1 && inTree(parentOfStat(stat));
  };
  let ticks = 0;
  let processes = 0;
  for (const [pid, stat] of stats) {
    if (!inTree(pid)) continue;
    ticks += ownCpuTicksOfStat(stat) + childrenCpuTicksOfStat(stat);
    processes += 1;
  }
  return { ticks, processes };
}

export function clockTicksToSeconds(ticks: number): number {
  return ticks / clockTicksPerSecond();
}

interface NodeProcessSample {
  parent: number;
  own: number;
  children: number;
}

/**
 * The CPU a run costs, split into the runtime (this process, all its threads, its Node worker processes and
 * the Node processes they start, such as the process launcher) and the media tools (ffmpeg, espeak) that any
 * of them ran. Node processes are sampled while they live, since they end killed. The tools, too
 * short-lived to sample, are what the kernel counts for the children a process waited for: this one's,
 * less its workers' own CPU, plus what each launcher waited for.
 */
export class RunCpu {
  private readonly startOwn: number;
  private readonly startChildren: number;
  private readonly nodeProcesses = new Map<number, NodeProcessSample>();
  private readonly sampling: NodeJS.Timeout;
  private readonly nodeExecutable = realpathSync(process.execPath);

  constructor(sampleEveryMs = 500) {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    this.startOwn = ownCpuTicksOfStat(stat);
    this.startChildren = childrenCpuTicksOfStat(stat);
    this.sampling = setInterval(() => this.sampleNodeProcesses(), sampleEveryMs);
    this.sampling.unref();
  }

  private sampleNodeProcesses(): void {
    const stats = new Map<number, string>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      // A process may end between listing and reading: it is then no longer anyone's to count here.
      try {
        if (readlinkSync(`/proc/${entry}/exe`) === this.nodeExecutable)
          stats.set(Number(entry), readFileSync(`/proc/${entry}/stat`, 'utf8'));
      } catch {}
    }
    const ours = (pid: number): boolean => {
      const parent = parentOfStat(stats.get(pid)!);
      return parent === process.pid || (stats.has(parent) && ours(parent));
    };
    for (const [pid, stat] of stats) {
      if (pid === process.pid || !ours(pid)) continue;
      this.nodeProcesses.set(pid, {
        parent: parentOfStat(stat),
        own: ownCpuTicksOfStat(stat),
        children: childrenCpuTicksOfStat(stat),
      });
    }
  }

  /** Seconds of CPU since the start, once every worker process has ended. */
  stop(): { runtimeSeconds: number; mediaToolsSeconds: number } {
    clearInterval(this.sampling);
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const hz = clockTicksPerSecond();
    const sampled = [...this.nodeProcesses.values()];
    const sum = (samples: NodeProcessSample[], ticks: (sample: NodeProcessSample) => number) =>
      samples.reduce((total, sample) => total + ticks(sample), 0);
    const workers = sampled.filter((sample) => sample.parent === process.pid);
    const started = sampled.filter((sample) => sample.parent !== process.pid);
    const own = ownCpuTicksOfStat(stat) - this.startOwn;
    // The workers are waited for by this process, so their own CPU is in its children's; what they started dies with them, unwaited.
    const children = childrenCpuTicksOfStat(stat) - this.startChildren;
    const waitedByStarted = sum(started, (sample) => sample.children);
    return {
      runtimeSeconds: (own + sum(sampled, (sample) => sample.own)) / hz,
      mediaToolsSeconds: (Math.max(0, children - sum(workers, (sample) => sample.own)) + waitedByStarted) / hz,
    };
  }
}
