import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FUNCTION_NODE_MAJOR } from '../../../lib/config/function-runtime.js';
import { exited } from './function-sandbox.js';
import type { FunctionSandboxStatistics } from './function-sandboxes.js';
import { type LambdaErrorBody, LambdaFunctionError } from './lambda-function-error.js';
import { installedNodeBinary } from './lambda-runtime-files.js';
import { type BrokeredWorker, isSlotRequest, type SlotBroker } from './slot-broker.js';
import type { WorkerAnswer, WorkerInitDone, WorkerInvocation, WorkerReady } from './source-worker.js';

/** A function as source mode runs it: the handler's module in the sources, its name and its sizing. */
export interface SourceFunction {
  functionName: string;
  functionArn: string;
  /** The module's file; a stage's is the entry its bundle is built from (`stageHandlerModule`). */
  handlerModule: string;
  /** Its export that is the handler, as the part of a Lambda `Handler` after the dot. */
  handlerExport: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** At most this many of its invocations at once in the whole pool, as reserved concurrency; unset, no limit. */
  reservedConcurrency?: number;
}

/**
 * A module whose export wraps each manifest's providers (StageCompositionOptions['decorateProviders']). Given
 * one, a worker builds each handler with the stage's `createHandler` over dependencies that wrap the providers,
 * as the runtime does in its own process, instead of taking the module's `handler`.
 */
export interface ProviderDecoratorModule {
  module: string;
  exportName: string;
}

export interface SourceWorkerPoolOptions {
  providerDecorator?: ProviderDecoratorModule;
  /** Shares the provider slots out to every worker's calls, from this process (slot-broker.ts); unset, each worker's environment says who does. */
  slotBroker?: SlotBroker;
  /** Worker processes at most: the machine's cores unless told otherwise. */
  size?: number;
  /** The environment of a worker, read when one starts: the runtime's, with the engines' endpoints and the stage variables. */
  environment: () => Record<string, string | undefined>;
  /** Receives what a worker writes to stdout and stderr. */
  log?: (chunk: string) => void;
}

const here = fileURLToPath(import.meta.url);
// The same file runs as TypeScript (tests, tsx) and as compiled JavaScript (the CLI): the worker is run in kind.
const extension = path.extname(here);
const workerModule = path.join(path.dirname(here), `source-worker${extension}`);
const loader = extension === '.ts' ? ['--import', pathToFileURL(createRequire(here).resolve('tsx')).href] : [];

let workerNode: string | undefined;

/**
 * The Node.js the workers run: the one Lambda runs the functions on, where its package is installed
 * (linux-x64, as an optional dependency), so a handler meets the runtime it deploys to; elsewhere this
 * process's own.
 */
export function sourceWorkerNode(): string {
  workerNode ??= runnableNode(installedNodeBinary(FUNCTION_NODE_MAJOR)) ?? process.execPath;
  return workerNode;
}

/**
 * The binary when it starts on this host. npm installs the package on any linux-x64, but its build
 * needs glibc: on a musl host (Alpine) it is installed and cannot run, and the workers must not be forked from it.
 */
export function runnableNode(binary: string | undefined): string | undefined {
  return binary && spawnSync(binary, ['--version'], { stdio: 'ignore' }).status === 0 ? binary : undefined;
}

/** A stage's handler module, `lambdas/stages/<stage>/handler`: the entry its bundle is built from. */
export function stageHandlerModule(stageName: string): string {
  return path.join(path.dirname(here), '..', '..', '..', 'lambdas', 'stages', stageName, `handler${extension}`);
}

interface PendingInvocation {
  requestId: string;
  settle(answer: WorkerAnswer | { id: number; succeeded: false; error: LambdaErrorBody }): void;
  /** The worker loaded the handler's module for this invocation: its init is over, and its own time starts. */
  initDone(): void;
}

interface Worker {
  process: ChildProcess;
  pending: Map<number, PendingInvocation>;
  /** The functions whose handlers this worker has loaded (or is loading). */
  loaded: Set<string>;
  /** Settles when the worker's process is up (or has exited): invocations are sent, and timed, from then on. */
  ready: Promise<void>;
  /** Invocations given to it and not yet answered, those waiting for it to be up included. */
  underWay: number;
  /** How its process ended, once it has. */
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  alive: boolean;
  /** Its channel as the slot broker sees it. */
  brokered: BrokeredWorker;
}

interface FunctionState {
  definition: SourceFunction;
  busy: number;
  waiting: (() => void)[];
  statistics: FunctionSandboxStatistics;
}

/**
 * Source mode's sandboxes: up to `size` worker processes (the machine's cores), kept warm and reused, each
 * running any function's handler from the sources, several invocations at once, so the handlers' CPU work
 * spreads over every core while the interpreter and the engines stay in the runtime's process. An invocation
 * goes to the worker with the fewest under way, or to a new one while the pool is below its size. Past its
 * function's timeout an invocation fails with Sandbox.Timedout and its worker is ended, as Lambda ends the
 * environment; a worker that dies fails the invocations it held with Runtime.ExitError, and the next
 * invocation starts a new one.
 */
export class SourceWorkerPool {
  private readonly functions = new Map<string, FunctionState>();
  private readonly workers: Worker[] = [];
  private readonly size: number;
  private readonly node = sourceWorkerNode();
  private nextId = 0;
  private stopped = false;

  constructor(
    definitions: readonly SourceFunction[],
    private readonly options: SourceWorkerPoolOptions,
  ) {
    this.size = options.size ?? os.availableParallelism();
    if (!Number.isInteger(this.size) || this.size < 1)
      throw new RangeError(`a worker pool needs at least one worker, not ${this.size}`);
    for (const definition of definitions)
      this.functions.set(definition.functionName, {
        definition,
        busy: 0,
        waiting: [],
        statistics: { invocations: 0, coldStarts: 0, initDurationsMs: [] },
      });
  }

  /** Invokes a function by name; rejects with a LambdaFunctionError whose `name` is the handler error's name. */
  async invoke(functionName: string, event: unknown): Promise<unknown> {
    const state = this.functions.get(functionName);
    if (!state)
      throw new Error(`no function ${functionName} (the workers run ${[...this.functions.keys()].join(', ')})`);
    await this.acquire(state);
    try {
      state.statistics.invocations += 1;
      return await this.run(state, event);
    } finally {
      state.busy -= 1;
      state.waiting.shift()?.();
    }
  }

  statistics(functionName: string): FunctionSandboxStatistics {
    const state = this.functions.get(functionName);
    if (!state) throw new Error(`no function ${functionName}`);
    return structuredClone(state.statistics);
  }

  /** Worker processes alive now, for tests and the runtime's own accounting. */
  get workerProcessIds(): number[] {
    return this.workers.filter((worker) => worker.alive).map((worker) => worker.process.pid!);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.workers.splice(0).map((worker) => this.end(worker)));
  }

  private async acquire(state: FunctionState): Promise<void> {
    const limit = state.definition.reservedConcurrency ?? Number.POSITIVE_INFINITY;
    while (state.busy >= limit) await new Promise<void>((resolve) => state.waiting.push(resolve));
    state.busy += 1;
  }

  private async run(state: FunctionState, event: unknown): Promise<unknown> {
    const worker = this.pick();
    worker.underWay += 1;
    try {
      return await this.runOn(worker, state, event);
    } finally {
      worker.underWay -= 1;
    }
  }

  private async runOn(worker: Worker, state: FunctionState, event: unknown): Promise<unknown> {
    const { definition } = state;
    const requestId = randomUUID();
    await worker.ready;
    if (worker.exit) {
      const { code, signal } = worker.exit;
      throw new LambdaFunctionError(definition.functionName, exited(requestId, code, signal));
    }
    const id = this.nextId++;
    const timeoutMs = definition.timeoutSeconds * 1000;
    const coldStart = !worker.loaded.has(definition.functionName);
    worker.loaded.add(definition.functionName);
    if (coldStart) state.statistics.coldStarts += 1;
    const sentAt = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const answer = await new Promise<Parameters<PendingInvocation['settle']>[0]>((settle) => {
      // Init gets the function's timeout, and the invocation gets it again once init is over, as in a sandbox.
      const deadline = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          settle({
            id,
            succeeded: false,
            error: {
              errorType: 'Sandbox.Timedout',
              errorMessage: `RequestId: ${requestId} Error: Task timed out after ${definition.timeoutSeconds.toFixed(2)} seconds`,
            },
          });
          // Lambda ends an environment whose invocation timed out; the worker's other invocations end with it.
          void this.end(worker);
        }, timeoutMs);
      };
      deadline();
      worker.pending.set(id, {
        requestId,
        settle,
        initDone: () => {
          state.statistics.initDurationsMs.push(performance.now() - sentAt);
          deadline();
        },
      });
      const invocation: WorkerInvocation = {
        id,
        functionName: definition.functionName,
        functionArn: definition.functionArn,
        memoryMb: definition.memoryMb,
        handlerModule: definition.handlerModule,
        handlerExport: definition.handlerExport,
        ...(this.options.providerDecorator && { providerDecorator: this.options.providerDecorator }),
        ...(this.options.slotBroker && { brokeredSlots: true }),
        requestId,
        deadlineMs: Date.now() + timeoutMs,
        payload: JSON.stringify(event ?? null),
      };
      worker.process.send(invocation);
    });
    clearTimeout(timer);
    worker.pending.delete(id);
    if (answer.succeeded) return answer.payload === '' ? undefined : JSON.parse(answer.payload);
    throw new LambdaFunctionError(definition.functionName, answer.error);
  }

  /** The worker with the fewest invocations under way, or a new one while the pool is below its size and all are busy. */
  private pick(): Worker {
    if (this.stopped) throw new Error('the worker pool has stopped');
    const idlest = this.workers.reduce<Worker | undefined>(
      (best, worker) => (!best || worker.underWay < best.underWay ? worker : best),
      undefined,
    );
    if (idlest && (idlest.underWay === 0 || this.workers.length >= this.size)) return idlest;
    return this.start();
  }

  private start(): Worker {
    const child = fork(workerModule, [], {
      execPath: this.node,
      execArgv: loader,
      env: this.options.environment(),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Its own process group, so ending it ends what it spawned (ffmpeg) too.
      detached: true,
    });
    let up!: () => void;
    const ready = new Promise<void>((resolve) => {
      up = resolve;
    });
    const worker: Worker = {
      process: child,
      pending: new Map(),
      loaded: new Set(),
      ready,
      underWay: 0,
      alive: true,
      brokered: {
        get alive() {
          return worker.alive;
        },
        send: (grant) => child.send(grant),
      },
    };
    this.workers.push(worker);
    const log = (chunk: Buffer) => this.options.log?.(chunk.toString());
    // A send to a worker that has just exited fails here; its exit fails what it held.
    child.on('error', (error) => this.options.log?.(`source worker ${child.pid}: ${error.message}\n`));
    child.stdout!.on('data', log);
    child.stderr!.on('data', log);
    child.on('message', (message: WorkerAnswer | WorkerInitDone | WorkerReady) => {
      if (isSlotRequest(message)) return this.options.slotBroker?.handle(worker.brokered, message);
      if ('ready' in message) return up();
      const pending = worker.pending.get(message.id);
      if ('initDone' in message) pending?.initDone();
      else pending?.settle(message);
    });
    child.once('exit', (code, signal) => {
      worker.alive = false;
      worker.exit = { code, signal };
      this.options.slotBroker?.workerGone(worker.brokered);
      up();
      const index = this.workers.indexOf(worker);
      if (index >= 0) this.workers.splice(index, 1);
      for (const [id, pending] of worker.pending) {
        const { errorMessage, errorType } = exited(pending.requestId, code, signal);
        pending.settle({ id, succeeded: false, error: { errorType, errorMessage } });
      }
      worker.pending.clear();
    });
    return worker;
  }

  private async end(worker: Worker): Promise<void> {
    if (!worker.alive) return;
    // No invocation may be given to it between now and its exit.
    const index = this.workers.indexOf(worker);
    if (index >= 0) this.workers.splice(index, 1);
    const gone = new Promise<void>((resolve) => worker.process.once('exit', () => resolve()));
    try {
      process.kill(-worker.process.pid!, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
    await gone;
  }
}
