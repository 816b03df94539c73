import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { sourceWorkerNode } from '../local/runtime/index.js';

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
 * The /proc/<pid>/stat line of every process `include` accepts, by pid. A process may end between
 * listing and reading: it is left out, and its CPU is its parent's once the parent waits for it.
 */
function processStats(include: (pid: number) => boolean = () => true): Map<number, string> {
  const stats = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (include(Number(entry))) stats.set(Number(entry), readFileSync(`/proc/${entry}/stat`, 'utf8'));
    } catch {}
  }
  return stats;
}

/** Whether `pid` is `root` or below it through processes in `stats`. */
function isUnder(stats: Map<number, string>, pid: number, root: number): boolean {
  if (pid === root) return true;
  const stat = stats.get(pid);
  return stat !== undefined && pid > 1 && isUnder(stats, parentOfStat(stat), root);
}

/**
 * The CPU of a process and every process under it, in clock ticks: for each one alive, its own and that of
 * the children it has waited for. A process that ended and was waited for is in its parent's count.
 */
export function processTreeCpuTicks(root: number): { ticks: number; processes: number } {
  const stats = processStats();
  let ticks = 0;
  let processes = 0;
  for (const [pid, stat] of stats) {
    if (!isUnder(stats, pid, root)) continue;
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
  // The workers may run another Node.js than this process (source-worker-pool.ts, sourceWorkerNode).
  private readonly nodeExecutables = new Set([process.execPath, sourceWorkerNode()].map((file) => realpathSync(file)));

  constructor(sampleEveryMs = 500) {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    this.startOwn = ownCpuTicksOfStat(stat);
    this.startChildren = childrenCpuTicksOfStat(stat);
    this.sampling = setInterval(() => this.sampleNodeProcesses(), sampleEveryMs);
    this.sampling.unref();
  }

  private sampleNodeProcesses(): void {
    const stats = processStats((pid) => this.nodeExecutables.has(readlinkSync(`/proc/${pid}/exe`)));
    for (const [pid, stat] of stats) {
      if (pid === process.pid || !isUnder(stats, pid, process.pid)) continue;
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
      runtimeSeconds: clockTicksToSeconds(own + sum(sampled, (sample) => sample.own)),
      mediaToolsSeconds: clockTicksToSeconds(
        Math.max(0, children - sum(workers, (sample) => sample.own)) + waitedByStarted,
      ),
    };
  }
}
