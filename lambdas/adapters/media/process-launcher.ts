import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';

/**
 * A small process that starts the media tools on this one's behalf. Starting a program forks the
 * process that asks, and fork copies that process's page tables: from a handler's process grown to
 * 900 MB it took about 75 ms of CPU a start, during which the process answers nothing, and a scene's
 * sound and picture start ffmpeg a dozen times. The launcher stays a few tens of MB, so each start
 * costs it a few ms. It is one more process, started by the first tool run and kept while this one
 * lives; it ends with this process, and it ends what it started.
 *
 * Run as `node -e`, so no bundle has to ship a file for it. Each run is one message in and a stream
 * of messages out (stdout and stderr as they come, then close or error), in Node's advanced
 * serialization, so the bytes travel as bytes.
 */
const LAUNCHER_PROGRAM = `
const { spawn } = require('node:child_process');
const children = new Map();
const send = (message) => process.connected && process.send(message);
process.on('message', (message) => {
  if (message.kind === 'kill') return void children.get(message.id)?.kill(message.signal);
  const { id, binary, args, cwd, env, input } = message;
  const child = spawn(binary, args, { cwd, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  children.set(id, child);
  child.stdout.on('data', (data) => send({ id, kind: 'stdout', data }));
  child.stderr.on('data', (data) => send({ id, kind: 'stderr', data }));
  if (input !== undefined) {
    child.stdin.on('error', () => undefined);
    child.stdin.end(Buffer.from(input.buffer, input.byteOffset, input.byteLength));
  }
  child.on('error', (error) => {
    if (!children.delete(id)) return;
    send({ id, kind: 'error', message: error.message });
  });
  child.on('close', (code, signal) => {
    if (!children.delete(id)) return;
    send({ id, kind: 'close', code, signal });
  });
});
process.on('disconnect', () => {
  for (const child of children.values()) child.kill('SIGKILL');
  process.exit(0);
});
`;

export interface LaunchOptions {
  cwd?: string;
  env: NodeJS.ProcessEnv;
  /** Written to the program's stdin, which is then closed; without it, stdin is /dev/null. */
  input?: Buffer;
  /** Aborting kills the program with SIGTERM, and the run fails with the abort's reason. */
  signal?: AbortSignal;
}

type LauncherMessage =
  | { id: number; kind: 'stdout' | 'stderr'; data: Uint8Array }
  | { id: number; kind: 'close'; code: number | null; signal: NodeJS.Signals | null }
  | { id: number; kind: 'error'; message: string };

/**
 * A program started by the launcher, as much of a ChildProcess as a tool run reads: `stdout` and
 * `stderr` emit `data` Buffers, then the run emits `close` (code, signal), or `error` when it could not
 * be started, was aborted, or the launcher itself died.
 */
export interface LaunchedProgram
  extends EventEmitter<{
    close: [code: number | null, signal: NodeJS.Signals | null];
    error: [error: Error];
  }> {
  readonly stdout: EventEmitter<{ data: [chunk: Buffer] }>;
  readonly stderr: EventEmitter<{ data: [chunk: Buffer] }>;
}

interface Run {
  /** The launcher the run was sent to. */
  launcher: ChildProcess;
  program: LaunchedProgram;
}

export class ProcessLauncher {
  private launcher: ChildProcess | undefined;
  private nextId = 1;
  private readonly runs = new Map<number, Run>();

  /** The launcher's process id, once a run has started it. */
  get pid(): number | undefined {
    return this.launcher?.pid;
  }

  launch(binary: string, args: readonly string[], options: LaunchOptions): LaunchedProgram {
    const id = this.nextId++;
    const program = Object.assign(new EventEmitter(), {
      stdout: new EventEmitter<{ data: [chunk: Buffer] }>(),
      stderr: new EventEmitter<{ data: [chunk: Buffer] }>(),
    }) as LaunchedProgram;
    if (options.signal?.aborted) {
      const reason = abortError(options.signal);
      queueMicrotask(() => program.emit('error', reason));
      return program;
    }
    const request = { id, binary, args, cwd: options.cwd, env: options.env, input: options.input };
    const run: Run = { launcher: this.current(), program };
    this.runs.set(id, run);
    this.holdOpen();
    // A launcher that dies with the message unread fails the run when its exit is heard, as it fails every run it held.
    run.launcher.send(request);
    options.signal?.addEventListener(
      'abort',
      () => {
        if (!this.runs.has(id)) return;
        run.launcher.send({ id, kind: 'kill', signal: 'SIGTERM' });
        this.finish(id, () => program.emit('error', abortError(options.signal!)));
      },
      { once: true },
    );
    return program;
  }

  /** Ends the launcher, and with it every program it runs; the next launch starts another. */
  close(): void {
    const launcher = this.launcher;
    if (!launcher) return;
    this.retire(launcher, new Error('the process launcher was closed'));
    launcher.kill('SIGKILL');
  }

  /** The launcher to send to: a new one once the last is known to be gone, its channel closed. */
  private current(): ChildProcess {
    if (this.launcher && !this.launcher.connected)
      this.retire(this.launcher, new Error('the process launcher closed its channel'));
    return this.launcher ?? this.start();
  }

  private start(): ChildProcess {
    const launcher = spawn(process.execPath, ['-e', LAUNCHER_PROGRAM], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'advanced',
      env: {},
    });
    this.launcher = launcher;
    launcher.unref();
    launcher.on('message', (message: LauncherMessage) => this.receive(message));
    // A send to a launcher whose channel has closed is reported here.
    launcher.on('error', (error) => this.retire(launcher, error));
    launcher.on('exit', (code, signal) =>
      this.retire(
        launcher,
        new Error(`the process launcher ${signal ? `was killed by ${signal}` : `exited with code ${code}`}`),
      ),
    );
    return launcher;
  }

  private receive(message: LauncherMessage): void {
    const run = this.runs.get(message.id);
    if (!run) return;
    switch (message.kind) {
      case 'stdout':
      case 'stderr': {
        const data = Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength);
        run.program[message.kind].emit('data', data);
        return;
      }
      case 'close':
        this.finish(message.id, () => run.program.emit('close', message.code, message.signal));
        return;
      case 'error': {
        const failure = new Error(message.message);
        this.finish(message.id, () => run.program.emit('error', failure));
        return;
      }
    }
  }

  private finish(id: number, settle: (run: Run) => void): void {
    const run = this.runs.get(id);
    if (!run) return;
    this.runs.delete(id);
    this.holdOpen();
    settle(run);
  }

  /** A program waited for keeps this process alive, as its own child would; an idle launcher does not. */
  private holdOpen(): void {
    const channel = this.launcher?.channel;
    if (!channel) return;
    if (this.runs.size > 0) channel.ref();
    else channel.unref();
  }

  /** The launcher is gone: the runs sent to it fail, and the next launch starts another. */
  private retire(launcher: ChildProcess, error: Error): void {
    if (this.launcher === launcher) this.launcher = undefined;
    for (const [id, run] of [...this.runs])
      if (run.launcher === launcher) this.finish(id, () => run.program.emit('error', error));
  }
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('The operation was aborted', { cause: reason });
}
