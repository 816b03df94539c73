import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type MediaEnvironment, readMediaEnvironment } from '../../../core/contracts/environment.js';
import { MediaToolFailed } from '../../../core/contracts/errors.js';
import type { EspeakVoice } from './espeak-voice.js';

export interface EspeakUtterance extends EspeakVoice {
  text: string;
}

export interface EspeakWorkerReply {
  /** The espeak-ng voice the worker spoke with, variant included (e.g. "vi+f2"). */
  voice: string;
  wav: Buffer;
}

export interface EspeakWorkerOptions {
  /** Path of espeak-worker.mjs; defaults to DRAMAFORGE_ESPEAK_WORKER, then the file next to this module. */
  workerPath?: string;
  /** How long one utterance may take before the worker is presumed stuck and killed. */
  timeoutMs?: number;
}

interface Pending {
  resolve: (reply: EspeakWorkerReply) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface WorkerAnswer {
  id?: unknown;
  voice?: unknown;
  wav?: unknown;
  error?: unknown;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const STDERR_TAIL_CHARS = 2_000;

/**
 * In a Lambda bundle this module is inlined and import.meta.url no longer sits
 * next to the worker, so the bundle sets DRAMAFORGE_ESPEAK_WORKER.
 */
export function defaultWorkerPath(env: MediaEnvironment = readMediaEnvironment()): string {
  return env.espeakWorker ?? fileURLToPath(new URL('./espeak-worker.mjs', import.meta.url));
}

/**
 * One long-lived espeak-ng worker process, fed a JSON line per utterance.
 *
 * The process and its pipes are unref'd so an idle worker never keeps Node (a
 * CLI run, a test, a Lambda freeze) alive; each waiting request holds a timer,
 * which keeps the event loop up until its answer arrives. If the worker dies,
 * every waiting request fails and the next one starts a new worker.
 */
export class EspeakWorkerClient {
  private readonly workerPath: string;
  private readonly timeoutMs: number;
  private child: ChildProcessWithoutNullStreams | undefined;
  private stderrTail = '';
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(options: EspeakWorkerOptions = {}) {
    this.workerPath = options.workerPath ?? defaultWorkerPath();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  speak(utterance: EspeakUtterance): Promise<EspeakWorkerReply> {
    const child = this.child ?? this.start();
    const id = this.nextId++;
    return new Promise<EspeakWorkerReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.failAll(
          new MediaToolFailed(`espeak-ng worker gave no answer within ${this.timeoutMs} ms${this.stderrSuffix()}`),
        );
        this.stop(child);
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      child.stdin.write(`${JSON.stringify({ id, ...utterance })}\n`);
    });
  }

  /** Ends the worker; a later speak() starts a new one. */
  close(): void {
    if (this.child) this.stop(this.child);
  }

  private start(): ChildProcessWithoutNullStreams {
    const child = spawn(process.execPath, [this.workerPath, '--serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.stderrTail = '';
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as Socket).unref();

    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
    });
    // A worker that dies mid-write must surface as the exit below, not as an unhandled EPIPE.
    child.stdin.on('error', () => undefined);
    createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) =>
      this.answer(line),
    );
    child.on('error', (error) => {
      this.forget(child);
      this.failAll(
        new MediaToolFailed(`cannot start the espeak-ng worker ${this.workerPath}: ${error.message}`, { cause: error }),
      );
    });
    child.on('exit', (code, signal) => {
      this.forget(child);
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      this.failAll(new MediaToolFailed(`espeak-ng worker ${how}${this.stderrSuffix()}`));
    });
    return child;
  }

  private answer(line: string): void {
    let parsed: WorkerAnswer;
    try {
      parsed = JSON.parse(line) as WorkerAnswer;
    } catch {
      this.failAll(new MediaToolFailed(`espeak-ng worker wrote something that is not JSON: ${line.slice(0, 200)}`));
      return;
    }
    const id = typeof parsed.id === 'number' ? parsed.id : undefined;
    const request = id === undefined ? undefined : this.pending.get(id);
    if (id === undefined || !request) return;
    this.pending.delete(id);
    clearTimeout(request.timer);
    if (typeof parsed.error === 'string') {
      request.reject(new MediaToolFailed(`espeak-ng could not speak: ${parsed.error}`));
    } else if (typeof parsed.voice === 'string' && typeof parsed.wav === 'string') {
      request.resolve({ voice: parsed.voice, wav: Buffer.from(parsed.wav, 'base64') });
    } else {
      request.reject(new MediaToolFailed('espeak-ng worker answered without a voice or a WAV'));
    }
  }

  private failAll(error: MediaToolFailed): void {
    for (const request of this.pending.values()) {
      clearTimeout(request.timer);
      request.reject(error);
    }
    this.pending.clear();
  }

  private forget(child: ChildProcessWithoutNullStreams): void {
    if (this.child === child) this.child = undefined;
  }

  private stop(child: ChildProcessWithoutNullStreams): void {
    this.forget(child);
    child.stdin.end();
    child.kill();
  }

  private stderrSuffix(): string {
    const tail = this.stderrTail.trim();
    return tail ? `: ${tail}` : '';
  }
}
