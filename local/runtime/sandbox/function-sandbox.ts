import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import type { LambdaFunctionDefinition } from './function-definition.js';
import { type LambdaErrorBody, LambdaFunctionError } from './lambda-function-error.js';
import type { LambdaRuntimeFiles } from './lambda-runtime-files.js';
import { type InvocationOutcome, RuntimeApiServer } from './runtime-api-server.js';
import { FUNCTION_USER, lambdaNodePath, prepareSandboxRoot, SANDBOX_PATHS, type SandboxRoot } from './sandbox-root.js';

/** What the caller decides about a sandbox's world: where it is, who it is, and where its AWS endpoints are. */
export interface SandboxContext {
  region: string;
  functionArn: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** `AWS_ENDPOINT_URL` and/or `AWS_ENDPOINT_URL_<SERVICE>`: where the SDK in the sandbox sends its requests. */
  endpoints: Record<string, string>;
  runtime: LambdaRuntimeFiles;
  /** The folder mounted at /var/runtime/node_modules (runtime-sdk.ts). */
  sdkDirectory: string;
  /** Receives what the function writes to stdout and stderr (CloudWatch Logs, in Lambda). */
  log?: (chunk: string) => void;
}

/** An invocation was given to a sandbox that has already stopped. */
export class SandboxStopped extends Error {
  override readonly name = 'SandboxStopped';
}

/** This machine cannot make a sandbox: it needs root, unshare and the mount namespace it creates. */
export class SandboxIsolationUnavailable extends Error {
  override readonly name = 'SandboxIsolationUnavailable';
}

const ENDPOINT_VARIABLE = /^AWS_ENDPOINT_URL(_[A-Z0-9_]+)?$/;
const SYSTEM_TOOL_FOLDERS = ['/usr/bin', '/usr/sbin', '/bin', '/sbin'];

function systemTool(name: string): string {
  const found = SYSTEM_TOOL_FOLDERS.map((folder) => `${folder}/${name}`).find((candidate) => existsSync(candidate));
  if (!found)
    throw new SandboxIsolationUnavailable(
      `${name} is not installed (looked in ${SYSTEM_TOOL_FOLDERS.join(', ')}): the function sandboxes need util-linux's unshare and mount, and chroot`,
    );
  return found;
}

let isolationChecked = false;

/** Throws SandboxIsolationUnavailable, saying why, unless this process can create a private mount and pid namespace. */
export function assertSandboxIsolationAvailable(): void {
  if (isolationChecked) return;
  if (process.platform !== 'linux')
    throw new SandboxIsolationUnavailable(`function sandboxes run on Linux only (this is ${process.platform})`);
  const probe = spawnSync(systemTool('unshare'), ['--mount', '--propagation', 'private', '--pid', '--fork', 'true'], {
    encoding: 'utf8',
  });
  if (probe.status !== 0) {
    throw new SandboxIsolationUnavailable(
      `unshare --mount --pid failed (${(probe.stderr || String(probe.error)).trim()}): function sandboxes need root (or CAP_SYS_ADMIN) to create a private mount namespace; uid here is ${process.getuid?.()}`,
    );
  }
  isolationChecked = true;
}

const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/** Lambda's own variables, which a template cannot set, over the template's. */
function sandboxEnvironment(
  definition: LambdaFunctionDefinition,
  context: SandboxContext,
  runtimeApi: string,
): Record<string, string> {
  for (const name of Object.keys(context.endpoints)) {
    if (!ENDPOINT_VARIABLE.test(name)) throw new TypeError(`${name} is not an AWS_ENDPOINT_URL variable`);
  }
  const { credentials } = context;
  return {
    ...definition.environment,
    ...context.endpoints,
    AWS_LAMBDA_FUNCTION_NAME: definition.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(definition.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${definition.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: `AWS_Lambda_${definition.runtime}`,
    AWS_REGION: context.region,
    AWS_DEFAULT_REGION: context.region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
    AWS_LAMBDA_RUNTIME_API: runtimeApi,
    LAMBDA_TASK_ROOT: SANDBOX_PATHS.taskRoot,
    LAMBDA_RUNTIME_DIR: SANDBOX_PATHS.runtimeDirectory,
    _HANDLER: definition.handler,
    NODE_PATH: lambdaNodePath(definition.nodeMajor).join(':'),
    PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
    LD_LIBRARY_PATH: '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
  };
}

/** The shell script the sandbox's namespace runs: mount the root, then become the function's user inside it with only its environment. */
function sandboxScript(root: SandboxRoot, environment: Record<string, string>, memoryMb: number): string {
  const variables = Object.entries(environment).map(([name, value]) => quote(`${name}=${value}`));
  const node = [SANDBOX_PATHS.nodeBinary, `--max-old-space-size=${memoryMb}`, SANDBOX_PATHS.runtimeInterfaceClient];
  return [
    'set -e',
    ...root.mountCommands,
    // Not exec'd: the shell stays the namespace's pid 1, as Lambda's init is. The kernel ignores signals
    // a pid 1 sends itself, so a runtime that is pid 1 cannot even abort (a V8 fatal error turns into a SIGSEGV).
    `${systemTool('chroot')} --userspec=${FUNCTION_USER} ${quote(root.directory)} /usr/bin/env -i ${variables.join(' ')} ${node.join(' ')}`,
    'exit $?',
  ].join('\n');
}

function timedOut(requestId: string, timeoutSeconds: number): LambdaErrorBody {
  return {
    errorType: 'Sandbox.Timedout',
    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
  };
}

/** How Lambda's Runtime.ExitError names the signals that end a runtime (Go's names for them). */
const SIGNAL_DESCRIPTIONS: Partial<Record<NodeJS.Signals, string>> = {
  SIGKILL: 'killed',
  SIGABRT: 'aborted',
  SIGSEGV: 'segmentation fault',
  SIGTERM: 'terminated',
  SIGBUS: 'bus error',
  SIGTRAP: 'trace/breakpoint trap',
};

/** The signal that ended the runtime: the process's own, or the one its shell reports as exit status 128 + n. */
function endingSignal(code: number | null, signal: NodeJS.Signals | null): NodeJS.Signals | undefined {
  if (signal) return signal;
  if (code === null || code <= 128) return undefined;
  return (Object.entries(os.constants.signals) as [NodeJS.Signals, number][]).find(
    ([, number]) => number === code - 128,
  )?.[0];
}

/** Lambda's Runtime.ExitError for a runtime that ended with this exit code or signal, mid-invocation or not. */
export function exited(
  requestId: string | undefined,
  code: number | null,
  signal: NodeJS.Signals | null,
): LambdaErrorBody {
  const ending = endingSignal(code, signal);
  const how = ending ? `signal: ${SIGNAL_DESCRIPTIONS[ending] ?? ending}` : `exit status ${code}`;
  return {
    errorType: 'Runtime.ExitError',
    errorMessage: `${requestId ? `RequestId: ${requestId} ` : ''}Error: Runtime exited with error: ${how}`,
  };
}

/**
 * One execution environment of one function: a process in its own mount and pid namespace,
 * running Node.js and AWS's runtime interface client, which loads the handler from /var/task
 * and takes invocations from this sandbox's Runtime API. One invocation at a time; reusable
 * (warm) until it times out or its runtime exits.
 */
type ProcessExit = { code: number | null; signal: NodeJS.Signals | null };

export class FunctionSandbox {
  private alive = true;
  private readonly disposed: Promise<void>;

  private constructor(
    readonly definition: LambdaFunctionDefinition,
    private readonly context: SandboxContext,
    private readonly api: RuntimeApiServer,
    private readonly root: SandboxRoot,
    private readonly process: ChildProcess,
    private readonly exit: Promise<ProcessExit>,
    /** Milliseconds from spawning the process to the runtime asking for its first invocation. */
    readonly initDurationMs: number,
  ) {
    this.disposed = exit.then(() => this.dispose());
  }

  get isAlive(): boolean {
    return this.alive;
  }

  /**
   * Cold start: spawns the sandbox and waits until the handler is loaded (the runtime asks for
   * an invocation). Rejects with the runtime's init error (e.g. Runtime.ImportModuleError), or
   * Sandbox.Timedout past the function's timeout.
   */
  static async start(definition: LambdaFunctionDefinition, context: SandboxContext): Promise<FunctionSandbox> {
    assertSandboxIsolationAvailable();
    const api = await RuntimeApiServer.listen();
    let root: SandboxRoot;
    let script: string;
    try {
      root = await prepareSandboxRoot(definition, context.runtime, context.sdkDirectory);
      script = sandboxScript(root, sandboxEnvironment(definition, context, api.address), definition.memoryMb);
    } catch (error) {
      await api.close();
      throw error;
    }
    const startedAt = performance.now();
    const child = spawn(
      systemTool('unshare'),
      ['--mount', '--propagation', 'private', '--pid', '--fork', '--kill-child=SIGKILL', '--', '/bin/sh', '-c', script],
      {
        env: { PATH: SYSTEM_TOOL_FOLDERS.join(':') },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    const exit = new Promise<ProcessExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    let output = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      output = (output + text).slice(-4_000);
      context.log?.(text);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);

    const initFailure = await new Promise<LambdaErrorBody | undefined>((resolve) => {
      const timer = setTimeout(
        () =>
          resolve({
            errorType: 'Sandbox.Timedout',
            errorMessage: `Init timed out after ${definition.timeoutSeconds.toFixed(2)} seconds`,
          }),
        definition.timeoutSeconds * 1000,
      );
      const settle = (failure: LambdaErrorBody | undefined) => {
        clearTimeout(timer);
        resolve(failure);
      };
      api.onReady(() => settle(undefined));
      api.onInitError((error) => settle(error));
      void exit.then(({ code, signal }) => {
        const { errorMessage } = exited(undefined, code, signal);
        // The runtime never started (a mount failed, or the binary would not run): what it printed says why.
        settle({ errorType: 'Runtime.ExitError', errorMessage: `${errorMessage}\n${output.trim()}` });
      });
    });
    const initDurationMs = performance.now() - startedAt;
    if (initFailure) {
      killProcessGroup(child);
      await api.close();
      await root.remove();
      throw new LambdaFunctionError(definition.functionName, initFailure);
    }
    return new FunctionSandbox(definition, context, api, root, child, exit, initDurationMs);
  }

  /** Runs one invocation: resolves with the handler's result, or rejects with a LambdaFunctionError named by its errorType. */
  async invoke(event: unknown): Promise<unknown> {
    if (!this.alive) throw new SandboxStopped(`the sandbox of ${this.definition.functionName} has stopped`);
    const requestId = randomUUID();
    const timeoutMs = this.definition.timeoutSeconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<LambdaErrorBody>((resolve) => {
      timer = setTimeout(() => resolve(timedOut(requestId, this.definition.timeoutSeconds)), timeoutMs);
    });
    // An environment that timed out or whose runtime exited ends there, as in Lambda.
    const ended = (error: LambdaErrorBody) => ({ succeeded: false as const, error, ended: true });
    const outcome: InvocationOutcome | ReturnType<typeof ended> = await Promise.race([
      this.api.invoke({
        requestId,
        payload: JSON.stringify(event ?? null),
        deadlineMs: Date.now() + timeoutMs,
        invokedFunctionArn: this.context.functionArn,
        traceId: `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Sampled=0`,
      }),
      deadline.then(ended),
      this.exit.then(({ code, signal }) => ended(exited(requestId, code, signal))),
    ]);
    clearTimeout(timer);
    if (outcome.succeeded) return outcome.payload === '' ? undefined : JSON.parse(outcome.payload);
    if ('ended' in outcome) {
      this.api.abandon(requestId);
      await this.stop();
    }
    throw new LambdaFunctionError(this.definition.functionName, outcome.error);
  }

  async stop(): Promise<void> {
    if (this.alive) killProcessGroup(this.process);
    await this.disposed;
  }

  private async dispose(): Promise<void> {
    this.alive = false;
    await this.api.close();
    await this.root.remove();
  }
}

function killProcessGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
