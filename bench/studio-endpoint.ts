// The studio's CPU (its process, and its whole tree: handler workers, ffmpeg, espeak) and memory: idle,
// then while it runs N two-scene productions uploaded at once through its S3 endpoint. Run: node --import tsx bench/studio-endpoint.ts [--productions 10]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { dataDirOwner } from '../local/runtime/index.js';
import { describeMachine } from './machine.js';
import { clockTicksToSeconds, ownCpuTicksOfStat, processTreeCpuTicks } from './process-cpu.js';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: { productions: { type: 'string', default: '10' }, 'idle-seconds': { type: 'string', default: '30' } },
});
const productions = Number(values.productions);
const idleSeconds = Number(values['idle-seconds']);
/** The studio process's own CPU time (all its threads), in seconds. */
function ownCpuSeconds(pid: number): number {
  return clockTicksToSeconds(ownCpuTicksOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8')));
}

function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return kb / 1024;
}

/**
 * CPU as a share of one core, and the studio's resident memory, over a stretch of time, sampled each second:
 * the studio process alone, and its whole tree (its handler workers and the ffmpeg and espeak processes they
 * run), whose share above 100 % is work on more than one core.
 */
async function sample(pid: number, until: () => Promise<boolean>) {
  const startedAt = Date.now();
  const startOwn = ownCpuSeconds(pid);
  const startTree = processTreeCpuTicks(pid).ticks;
  const memory: number[] = [];
  let mostProcesses = 0;
  while (!(await until())) {
    memory.push(rssMb(pid));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    mostProcesses = Math.max(mostProcesses, processTreeCpuTicks(pid).processes);
  }
  const seconds = (Date.now() - startedAt) / 1000;
  const treeCpuSeconds = clockTicksToSeconds(processTreeCpuTicks(pid).ticks - startTree);
  return {
    seconds,
    cpuPercentOfOneCore: (100 * (ownCpuSeconds(pid) - startOwn)) / seconds,
    treeCpuSeconds,
    treeCpuPercentOfOneCore: (100 * treeCpuSeconds) / seconds,
    mostProcesses,
    meanRssMb: memory.reduce((sum, value) => sum + value, 0) / Math.max(1, memory.length),
    peakRssMb: Math.max(...memory, rssMb(pid)),
  };
}

const workDir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-bench-studio-'));
const studio = spawn(
  process.execPath,
  ['bin/dramaforge.js', 'studio', '--data', path.join(workDir, 'data'), '--port', '0'],
  {
    cwd: repositoryRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
try {
  const address = JSON.parse(
    await new Promise<string>((resolve) => {
      let text = '';
      studio.stdout!.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        if (text.includes('\n')) resolve(text.split('\n')[0]!);
      });
    }),
  ) as { endpoint: string; bucket: string; stateMachineArn: string };
  // The CLI runs the studio again under the legacy OpenSSL provider: the owner of the data directory is the one doing the work.
  const pid = dataDirOwner(path.join(workDir, 'data'))!.pid;
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const idleEnds = Date.now() + idleSeconds * 1000;
  const idle = await sample(pid, async () => Date.now() >= idleEnds);

  const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
  const s3 = new S3Client({ endpoint: address.endpoint, region: 'us-east-1', credentials, forcePathStyle: true });
  const sfn = new SFNClient({ endpoint: address.endpoint, region: 'us-east-1', credentials });
  const manifest = await readFile(path.join(repositoryRoot, 'test/e2e/fixtures/two-scenes.yaml'), 'utf8');
  await Promise.all(
    Array.from({ length: productions }, (_, index) => {
      const id = `bench-studio-${String(index + 1).padStart(2, '0')}`;
      return s3.send(
        new PutObjectCommand({
          Bucket: address.bucket,
          Key: `manifests/${id}.yaml`,
          Body: manifest.replace('production: two-scene-check', `production: ${id}`),
        }),
      );
    }),
  );
  let finished = { succeeded: 0, other: 0 };
  const busy = await sample(pid, async () => {
    const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: address.stateMachineArn }));
    const ended = executions.filter((execution) => execution.status !== 'RUNNING');
    finished = {
      succeeded: ended.filter((execution) => execution.status === 'SUCCEEDED').length,
      other: ended.filter((execution) => execution.status !== 'SUCCEEDED').length,
    };
    return ended.length >= productions;
  });
  const machine = describeMachine();
  console.log(
    JSON.stringify(
      {
        machine: `${machine.cpuModel}, ${machine.nproc} cores, Node ${machine.node}`,
        productions,
        idle,
        busy,
        finished,
      },
      null,
      2,
    ),
  );
} finally {
  studio.kill('SIGINT');
  await new Promise((resolve) => studio.once('exit', resolve));
  await rm(workDir, { recursive: true, force: true });
}
