import { execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { childrenCpuTicksOfStat, ownCpuTicksOfStat, RunCpu } from '../../../bench/process-cpu.js';
import { sourceWorkerNode } from '../../../local/runtime/sandbox/source-worker-pool.js';

describe('a /proc stat line', () => {
  // A name with a space and a parenthesis, as a process may be named.
  const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 700 300 50 25 20 0 11 0 1 2 3';

  it("gives the process's own user and system ticks", () => {
    expect(ownCpuTicksOfStat(stat)).toBe(700 + 300);
  });

  it("gives its waited-for children's user and system ticks", () => {
    expect(childrenCpuTicksOfStat(stat)).toBe(50 + 25);
  });
});

describe('RunCpu', () => {
  it("counts this process's CPU as the runtime's and a child's as the media tools'", () => {
    // Prepare
    const run = new RunCpu();
    const spinning = process.cpuUsage();

    // Act: spin for a fifth of a CPU-second here, then run a child (not Node) that spins for as long
    while (process.cpuUsage(spinning).user < 200_000);
    execFileSync('sh', ['-c', 'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done']);
    const { runtimeSeconds, mediaToolsSeconds } = run.stop();

    // Assess: a tick is 10 ms
    expect(runtimeSeconds).toBeGreaterThanOrEqual(0.18);
    expect(mediaToolsSeconds).toBeGreaterThan(0);
  });

  it.each([
    ["this process's Node.js", process.execPath],
    ["the source workers' Node.js", sourceWorkerNode()],
  ])("counts a Node worker process's own CPU as the runtime's, sampled while it lives (on %s)", async (_, node) => {
    // Prepare
    const run = new RunCpu(100);
    const worker =
      'const s = process.cpuUsage(); while (process.cpuUsage(s).user < 200000); setTimeout(() => {}, 1000);';

    // Act: a Node child spins for a fifth of a CPU-second, then idles a second before it ends
    await promisify(execFile)(node, ['-e', worker]);
    const { runtimeSeconds, mediaToolsSeconds } = run.stop();

    // Assess
    expect(runtimeSeconds).toBeGreaterThanOrEqual(0.18);
    expect(mediaToolsSeconds).toBeLessThan(0.15);
  });

  it("counts the Node process a worker starts as the runtime's, and what it waited for as the media tools', when the worker's group is killed", async () => {
    // Prepare: a worker that starts a launcher-like Node process, which spins a fifth of a CPU-second and runs a spinning shell
    const run = new RunCpu(100);
    const launcher = [
      "const { execFileSync } = require('node:child_process');",
      'const s = process.cpuUsage(); while (process.cpuUsage(s).user < 200000);',
      "execFileSync('sh', ['-c', 'i=0; while [ $i -lt 600000 ]; do i=$((i+1)); done']);",
      "process.stdout.write('done');",
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const worker = `require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(launcher)}], { stdio: 'inherit' }); setInterval(() => {}, 1000);`;
    const group = spawn(process.execPath, ['-e', worker], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    await once(group.stdout, 'data');
    await new Promise((resolve) => setTimeout(resolve, 500));

    // Act: the worker and its launcher end killed, as the runtime ends them
    process.kill(-group.pid!, 'SIGKILL');
    await once(group, 'exit');
    const { runtimeSeconds, mediaToolsSeconds } = run.stop();

    // Assess
    expect(runtimeSeconds).toBeGreaterThanOrEqual(0.18);
    expect(mediaToolsSeconds).toBeGreaterThan(0.05);
  });
});
