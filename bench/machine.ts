import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { ffmpegPath } from '../lambdas/adapters/media/ffmpeg.js';

export interface Machine {
  node: string;
  nproc: number;
  cpuModel: string;
  memory: string;
  ffmpeg: string;
  platform: string;
}

/** The machine a run measured: what `node -v`, `nproc`, `free -h` and /proc/cpuinfo say. */
export function describeMachine(): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const tool = (command: string, args: string[]) => execFileSync(command, args, { encoding: 'utf8' }).trim();
  return {
    node: process.version,
    nproc: Number(tool('nproc', [])),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown',
    memory:
      tool('free', ['-h'])
        .split('\n')
        .find((line) => line.startsWith('Mem:'))
        ?.replace(/\s+/g, ' ') ?? `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    ffmpeg: tool(ffmpegPath(), ['-version']).split('\n')[0] ?? 'unknown',
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}
