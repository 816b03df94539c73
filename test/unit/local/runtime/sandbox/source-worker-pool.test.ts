import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { FUNCTION_NODE_MAJOR } from '../../../../../lib/config/function-runtime.js';
import { LambdaFunctionError } from '../../../../../local/runtime/sandbox/lambda-function-error.js';
import { installedNodeBinary } from '../../../../../local/runtime/sandbox/lambda-runtime-files.js';
import {
  runnableNode,
  type SourceFunction,
  SourceWorkerPool,
  sourceWorkerNode,
} from '../../../../../local/runtime/sandbox/source-worker-pool.js';
import { waitFor } from '../../../../support/wait-for.js';

let modules: string;

beforeAll(async () => {
  modules = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-source-workers-'));
});

afterAll(() => rm(modules, { recursive: true, force: true }));

/** A function whose handler is the `handler` export of a module with this code. */
async function functionOf(
  name: string,
  code: string,
  overrides: Partial<SourceFunction> = {},
): Promise<SourceFunction> {
  const handlerModule = path.join(modules, `${name}.mjs`);
  await writeFile(handlerModule, code);
  return {
    functionName: name,
    functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    handlerModule,
    handlerExport: 'handler',
    timeoutSeconds: 60,
    memoryMb: 256,
    ...overrides,
  };
}

function poolOf(size: number, ...definitions: SourceFunction[]): SourceWorkerPool {
  const pool = new SourceWorkerPool(definitions, { size, environment: () => ({ ...process.env }) });
  onTestFinished(() => pool.stop());
  return pool;
}

async function failureOf(invocation: Promise<unknown>): Promise<LambdaFunctionError> {
  try {
    await invocation;
  } catch (error) {
    if (error instanceof LambdaFunctionError) return error;
    throw error;
  }
  throw new Error('the invocation succeeded; a LambdaFunctionError was expected');
}

/** A handler that notes when each invocation starts and ends, in a file every worker process appends to. */
function journaledCode(journal: string, holdMs: number): string {
  return [
    "import { appendFileSync } from 'node:fs';",
    'export const handler = async (event) => {',
    `  appendFileSync(${JSON.stringify(journal)}, \`start \${event.n} \${process.pid}\\n\`);`,
    `  await new Promise((resolve) => setTimeout(resolve, ${holdMs}));`,
    `  appendFileSync(${JSON.stringify(journal)}, \`end \${event.n} \${process.pid}\\n\`);`,
    '  return process.pid;',
    '};',
  ].join('\n');
}

/** The most invocations the journal shows under way at once. */
function mostAtOnce(journal: string): number {
  let underWay = 0;
  let most = 0;
  for (const line of journal.trim().split('\n')) {
    underWay += line.startsWith('start') ? 1 : -1;
    most = Math.max(most, underWay);
  }
  return most;
}

describe('the source worker pool', () => {
  it('runs a handler from its module in a worker process, not this one, and keeps the worker warm for the next', async () => {
    // Prepare
    const counter = await functionOf(
      'counter',
      'let invocations = 0;\nexport const handler = async (event, context) => ({ pid: process.pid, n: ++invocations, echo: event.echo, name: context.functionName });',
    );
    const pool = poolOf(2, counter);

    // Act
    const first = (await pool.invoke('counter', { echo: 'a' })) as { pid: number; n: number };
    const second = (await pool.invoke('counter', { echo: 'b' })) as { pid: number; n: number };

    // Assess
    expect(first).toMatchObject({ n: 1, echo: 'a', name: 'counter' });
    expect(first.pid).not.toBe(process.pid);
    expect(second).toEqual({ ...first, n: 2, echo: 'b' });
    expect(pool.statistics('counter')).toMatchObject({ coldStarts: 1, invocations: 2 });
  });

  it("runs the handlers on the Node.js the functions deploy to where its package is installed and starts, else on this process's", async () => {
    // Prepare
    const version = await functionOf('version', 'export const handler = async () => process.versions.node;');
    const pool = poolOf(1, version);
    const runnable = runnableNode(installedNodeBinary(FUNCTION_NODE_MAJOR));

    // Act
    const workerVersion = (await pool.invoke('version', {})) as string;

    // Assess
    expect(sourceWorkerNode()).toBe(runnable ?? process.execPath);
    expect(Number(workerVersion.split('.')[0])).toBe(
      runnable ? FUNCTION_NODE_MAJOR : Number(process.versions.node.split('.')[0]),
    );
  });

  it('forks no worker from a Node.js binary that cannot start on this host, and none from one not installed', () => {
    expect(runnableNode('/bin/false')).toBeUndefined();
    expect(runnableNode(path.join(modules, 'no-such-node'))).toBeUndefined();
    expect(runnableNode(undefined)).toBeUndefined();
    expect(runnableNode(process.execPath)).toBe(process.execPath);
  });

  it('spreads invocations under way over at most its size of worker processes', async () => {
    // Prepare
    const slow = await functionOf('spread', journaledCode(path.join(modules, 'spread.journal'), 300));
    const pool = poolOf(2, slow);

    // Act
    const pids = (await Promise.all(Array.from({ length: 6 }, (_, n) => pool.invoke('spread', { n })))) as number[];

    // Assess
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(process.pid);
  });

  it('never runs more invocations of a function at once than its reserved concurrency, across its workers', async () => {
    // Prepare
    const journal = path.join(modules, 'reserved.journal');
    const limited = await functionOf('reserved', journaledCode(journal, 200), { reservedConcurrency: 2 });
    const pool = poolOf(2, limited);

    // Act
    await Promise.all(Array.from({ length: 6 }, (_, n) => pool.invoke('reserved', { n })));

    // Assess
    const lines = (await readFile(journal, 'utf8')).trim().split('\n');
    expect(lines.filter((line) => line.startsWith('end'))).toHaveLength(6);
    // Unlimited, the six would run at once: each worker takes every invocation it is given.
    expect(mostAtOnce(lines.join('\n'))).toBeLessThanOrEqual(2);
  });

  it("throws the handler's error under its name, for Retry and Catch to match, and its worker stays warm", async () => {
    // Prepare
    const throttled = await functionOf(
      'throttled',
      "class ProviderThrottled extends Error { name = 'ProviderThrottled'; }\nexport const handler = async () => { throw new ProviderThrottled(`the provider said 429 to ${process.pid}`); };",
    );
    const pool = poolOf(1, throttled);

    // Act
    const failures = [await failureOf(pool.invoke('throttled', {})), await failureOf(pool.invoke('throttled', {}))];

    // Assess
    const [pid] = pool.workerProcessIds;
    expect(failures.map((failure) => [failure.name, failure.message])).toEqual([
      ['ProviderThrottled', `the provider said 429 to ${pid}`],
      ['ProviderThrottled', `the provider said 429 to ${pid}`],
    ]);
  });

  it('fails an invocation whose worker is killed with Runtime.ExitError, as Lambda reports it, and replaces the worker', async () => {
    // Prepare
    const started = path.join(modules, 'doomed.pid');
    const doomed = await functionOf(
      'doomed',
      [
        "import { writeFileSync } from 'node:fs';",
        'export const handler = async (event) => {',
        `  if (event.hang) { writeFileSync(${JSON.stringify(started)}, String(process.pid)); return new Promise(() => undefined); }`,
        '  return process.pid;',
        '};',
      ].join('\n'),
    );
    const pool = poolOf(1, doomed);
    const hanging = failureOf(pool.invoke('doomed', { hang: true }));
    const victim = Number(
      await waitFor('the hanging invocation to start in its worker', async () =>
        readFile(started, 'utf8').catch(() => undefined),
      ),
    );

    // Act
    process.kill(victim, 'SIGKILL');
    const failure = await hanging;
    const next = await pool.invoke('doomed', {});

    // Assess
    expect(failure.name).toBe('Runtime.ExitError');
    expect(failure.message).toMatch(/^RequestId: \S+ Error: Runtime exited with error: signal: killed$/);
    expect(next).not.toBe(victim);
    expect(pool.workerProcessIds).toEqual([next]);
    expect(pool.statistics('doomed')).toMatchObject({ coldStarts: 2, invocations: 2 });
  });

  it('ends an invocation past its timeout with Sandbox.Timedout, and the next one starts a new worker', async () => {
    // Prepare
    const sleepy = await functionOf(
      'sleepy',
      'export const handler = async (event) => event.sleep ? new Promise(() => undefined) : process.pid;',
      // Long enough to import the module on a busy machine, since init gets the function's timeout too.
      { timeoutSeconds: 5 },
    );
    const pool = poolOf(1, sleepy);
    const before = await pool.invoke('sleepy', {});

    // Act
    const failure = await failureOf(pool.invoke('sleepy', { sleep: true }));
    const after = await pool.invoke('sleepy', {});

    // Assess
    expect(failure.name).toBe('Sandbox.Timedout');
    expect(failure.message).toMatch(/Task timed out after 5\.00 seconds$/);
    expect(after).not.toBe(before);
  });
});
