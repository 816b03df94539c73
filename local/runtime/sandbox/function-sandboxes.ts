import type { LambdaFunctionDefinition } from './function-definition.js';
import { FunctionSandbox, type SandboxContext } from './function-sandbox.js';
import { LambdaFunctionError } from './lambda-function-error.js';
import { lambdaRuntimeFiles } from './lambda-runtime-files.js';
import { runtimeSdkDirectory } from './runtime-sdk.js';

export interface FunctionSandboxesOptions {
  region: string;
  /** Builds a function's ARN (Lambda-Runtime-Invoked-Function-Arn) from its definition. */
  functionArn(definition: LambdaFunctionDefinition): string;
  /** The credentials each function's sandboxes sign with: its role's session. */
  credentials: (definition: LambdaFunctionDefinition) => SandboxContext['credentials'];
  /** Read at each cold start: a studio points its functions at its edge, which listens after the runtime starts. */
  endpoints: () => SandboxContext['endpoints'];
  log?: (functionName: string, chunk: string) => void;
}

export interface FunctionSandboxStatistics {
  invocations: number;
  coldStarts: number;
  /** Each cold start's init, in milliseconds: spawn to the handler loaded. */
  initDurationsMs: number[];
}

/** No function of that name was given to the sandboxes. */
export class UnknownFunction extends Error {
  override readonly name = 'UnknownFunction';
}

interface FunctionPool {
  definition: LambdaFunctionDefinition;
  warm: FunctionSandbox[];
  busy: number;
  waiting: (() => void)[];
  statistics: FunctionSandboxStatistics;
}

/**
 * The functions of an assembly, each run as Lambda runs it: an invocation takes a warm sandbox
 * of its function if one is idle, or cold-starts a new one; at most `reservedConcurrency` run at
 * once per function (invocations beyond it wait their turn, where Lambda would throttle them;
 * none run at 0, as in Lambda); a sandbox stays warm for the next
 * invocation unless it timed out or its runtime exited.
 */
export class FunctionSandboxes {
  private readonly pools = new Map<string, FunctionPool>();
  private sdkDirectory: Promise<string> | undefined;
  private stopped = false;

  constructor(
    definitions: readonly LambdaFunctionDefinition[],
    private readonly options: FunctionSandboxesOptions,
  ) {
    for (const definition of definitions) {
      this.pools.set(definition.functionName, {
        definition,
        warm: [],
        busy: 0,
        waiting: [],
        statistics: { invocations: 0, coldStarts: 0, initDurationsMs: [] },
      });
    }
  }

  /** Invokes a function by name; rejects with a LambdaFunctionError whose `name` is the function's errorType. */
  async invoke(functionName: string, event: unknown): Promise<unknown> {
    const pool = this.pool(functionName);
    await this.acquireSlot(pool);
    try {
      const sandbox = pool.warm.pop() ?? (await this.coldStart(pool));
      pool.statistics.invocations += 1;
      try {
        return await sandbox.invoke(event);
      } finally {
        if (sandbox.isAlive && !this.stopped) pool.warm.push(sandbox);
        else await sandbox.stop();
      }
    } finally {
      this.releaseSlot(pool);
    }
  }

  statistics(functionName: string): FunctionSandboxStatistics {
    return structuredClone(this.pool(functionName).statistics);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.pools.values()].flatMap((pool) => pool.warm.splice(0).map((sandbox) => sandbox.stop())));
  }

  private pool(functionName: string): FunctionPool {
    const pool = this.pools.get(functionName);
    if (!pool)
      throw new UnknownFunction(`no function ${functionName} (the sandboxes run ${[...this.pools.keys()].join(', ')})`);
    return pool;
  }

  private async coldStart(pool: FunctionPool): Promise<FunctionSandbox> {
    const { definition } = pool;
    this.sdkDirectory ??= runtimeSdkDirectory();
    pool.statistics.coldStarts += 1;
    const sandbox = await FunctionSandbox.start(definition, {
      region: this.options.region,
      functionArn: this.options.functionArn(definition),
      credentials: this.options.credentials(definition),
      endpoints: this.options.endpoints(),
      runtime: lambdaRuntimeFiles(definition.nodeMajor),
      sdkDirectory: await this.sdkDirectory,
      ...(this.options.log ? { log: (chunk: string) => this.options.log!(definition.functionName, chunk) } : {}),
    });
    pool.statistics.initDurationsMs.push(sandbox.initDurationMs);
    return sandbox;
  }

  private async acquireSlot(pool: FunctionPool): Promise<void> {
    const limit = pool.definition.reservedConcurrency ?? Number.POSITIVE_INFINITY;
    // Reserved concurrency 0 is how a function is switched off: Lambda throttles every invocation.
    if (limit === 0)
      throw new LambdaFunctionError(pool.definition.functionName, {
        errorType: 'Lambda.TooManyRequestsException',
        errorMessage: 'Rate Exceeded.',
      });
    while (pool.busy >= limit) await new Promise<void>((resolve) => pool.waiting.push(resolve));
    pool.busy += 1;
  }

  private releaseSlot(pool: FunctionPool): void {
    pool.busy -= 1;
    pool.waiting.shift()?.();
  }
}
