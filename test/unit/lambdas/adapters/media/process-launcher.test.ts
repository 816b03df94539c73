import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type LaunchedProgram, ProcessLauncher } from '../../../../../lambdas/adapters/media/process-launcher.js';

const LAUNCHER_MODULE = fileURLToPath(
  new URL('../../../../../lambdas/adapters/media/process-launcher.ts', import.meta.url),
);

function launcher(): ProcessLauncher {
  const launched = new ProcessLauncher();
  onTestFinished(() => launched.close());
  return launched;
}

/** What the program wrote to stdout, and how it ended. */
async function outcome(program: LaunchedProgram) {
  const chunks: Buffer[] = [];
  program.stdout.on('data', (chunk) => chunks.push(chunk));
  const ended = await new Promise<{ code: number | null; signal: string | null } | { error: string }>((resolve) => {
    program.on('close', (code, signal) => resolve({ code, signal }));
    program.on('error', (error) => resolve({ error: error.message }));
  });
  return { stdout: Buffer.concat(chunks), ended };
}

/**
 * Blocks this process's event loop until the process has exited and closed its files (its end of the
 * IPC channel among them), so its exit is not yet heard here.
 */
function blockUntilExited(pid: number): void {
  const sleep = new Int32Array(new SharedArrayBuffer(4));
  const openFiles = () => {
    try {
      return readdirSync(`/proc/${pid}/fd`).length;
    } catch {
      return 0;
    }
  };
  while (openFiles() > 0) Atomics.wait(sleep, 0, 0, 10);
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('ProcessLauncher', () => {
  it('starts each program from the launcher, not from this process', async () => {
    // Prepare
    const programs = launcher();

    // Act
    const { stdout } = await outcome(programs.launch('/bin/sh', ['-c', 'echo $PPID'], { env: {} }));

    // Assess
    expect(Number(stdout.toString().trim())).toBe(programs.pid);
    expect(programs.pid).not.toBe(process.pid);
  });

  it("feeds the program its input and hands back its stdout byte for byte, in the program's directory and environment", async () => {
    // Prepare
    const programs = launcher();
    const input = randomBytes(3 * 1024 * 1024);

    // Act
    const copied = await outcome(programs.launch('/bin/cat', [], { env: {}, input }));
    const where = await outcome(
      programs.launch('/bin/sh', ['-c', 'pwd; echo "$GREETING"'], { cwd: '/tmp', env: { GREETING: 'hello' } }),
    );

    // Assess
    expect(copied.ended).toEqual({ code: 0, signal: null });
    expect(copied.stdout.equals(input)).toBe(true);
    expect(where.stdout.toString()).toBe('/tmp\nhello\n');
  });

  it('reports the exit code, the signal that ended a program, and a program that could not be started', async () => {
    // Prepare
    const programs = launcher();

    // Act
    const [exited, killed, missing] = await Promise.all([
      outcome(programs.launch('/bin/sh', ['-c', 'exit 3'], { env: {} })),
      outcome(programs.launch('/bin/sh', ['-c', 'kill -TERM $$'], { env: {} })),
      outcome(programs.launch('/no/such/tool', [], { env: {} })),
    ]);

    // Assess
    expect(exited.ended).toEqual({ code: 3, signal: null });
    expect(killed.ended).toEqual({ code: null, signal: 'SIGTERM' });
    expect(missing.ended).toEqual({ error: expect.stringContaining('ENOENT') });
  });

  it('ends the program when its run is aborted, and fails the run with the reason', async () => {
    // Prepare
    const programs = launcher();
    const abort = new AbortController();
    const program = programs.launch('/bin/sh', ['-c', 'echo $$; exec sleep 30'], { env: {}, signal: abort.signal });
    const [firstChunk] = (await once(program.stdout, 'data')) as [Buffer];
    const pid = Number(firstChunk.toString().trim());
    const ended = outcome(program);

    // Act
    abort.abort(new Error('the scene was cancelled'));

    // Assess
    expect((await ended).ended).toEqual({ error: 'the scene was cancelled' });
    await expect.poll(() => isRunning(pid)).toBe(false);
  });

  it('fails the runs in flight when the launcher dies, and the next run starts a new one', async () => {
    // Prepare
    const programs = launcher();
    const waiting = outcome(programs.launch('/bin/sleep', ['30'], { env: {} }));
    await expect.poll(() => programs.pid).toBeDefined();
    const first = programs.pid!;

    // Act
    process.kill(first, 'SIGKILL');
    const failed = await waiting;
    const after = await outcome(programs.launch('/bin/sh', ['-c', 'echo again'], { env: {} }));

    // Assess
    expect(failed.ended).toEqual({ error: 'the process launcher was killed by SIGKILL' });
    expect(after.stdout.toString()).toBe('again\n');
    expect(programs.pid).not.toBe(first);
  });

  it('fails a run given to a launcher that died unheard, with that death, and the next run starts a new one', async () => {
    // Prepare: a launcher killed while this process's event loop is busy, so its exit is not yet heard
    const programs = launcher();
    await outcome(programs.launch('/bin/true', [], { env: {} }));
    const first = programs.pid!;
    process.kill(first, 'SIGKILL');
    blockUntilExited(first);

    // Act
    const unheard = await outcome(programs.launch('/bin/sh', ['-c', 'echo lost'], { env: {} }));
    const next = await outcome(programs.launch('/bin/sh', ['-c', 'echo again'], { env: {} }));

    // Assess: the message reached no one, however the death is heard first (its exit, or the write refused)
    expect(unheard).toEqual({
      stdout: Buffer.alloc(0),
      ended: { error: expect.stringMatching(/killed by SIGKILL|EPIPE|closed its channel/) },
    });
    expect(next).toEqual({ stdout: Buffer.from('again\n'), ended: { code: 0, signal: null } });
    expect(programs.pid).not.toBe(first);
  });

  it('does not keep its process alive once no run is waiting', async () => {
    // Prepare: a process that runs one program through a launcher, and should then end by itself
    const script = `
      const { ProcessLauncher } = await import(${JSON.stringify(LAUNCHER_MODULE)});
      const program = new ProcessLauncher().launch('/bin/sh', ['-c', 'sleep 0.2; echo done'], { env: {} });
      program.stdout.on('data', (chunk) => process.stdout.write(chunk));
    `;

    // Act
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let written = '';
    child.stdout.on('data', (chunk: Buffer) => {
      written += chunk.toString();
    });
    const [code] = (await once(child, 'exit')) as [number];

    // Assess: it waited for the program, then ended on its own
    expect(written).toBe('done\n');
    expect(code).toBe(0);
  });
});
