import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { LambdaFunctionDefinition } from '../../../../../local/runtime/sandbox/function-definition.js';
import { assertSandboxIsolationAvailable } from '../../../../../local/runtime/sandbox/function-sandbox.js';
import { FunctionSandboxes } from '../../../../../local/runtime/sandbox/function-sandboxes.js';
import { LambdaFunctionError } from '../../../../../local/runtime/sandbox/lambda-function-error.js';
import { ensureRuntimeInterfaceClient } from '../../../../../local/runtime/sandbox/runtime-interface-client-build.js';

const REPOSITORY_ROOT = fileURLToPath(new URL('../../../../..', import.meta.url));

let assets: string;

/** A machine's first run builds the runtime interface client's native part (npm run lambda-runtime:build): minutes. */
const FIRST_BUILD_MS = 30 * 60_000;

beforeAll(async () => {
  // Fails saying what is missing: root, for the sandboxes' mount and pid namespaces.
  assertSandboxIsolationAvailable();
  await ensureRuntimeInterfaceClient(24, (chunk) => process.stderr.write(chunk));
  assets = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-sandbox-assets-'));
}, FIRST_BUILD_MS);

afterAll(() => rm(assets, { recursive: true, force: true }));

/** Writes a folder of files (relative path -> content) as an unzipped asset would be. */
async function asset(name: string, files: Record<string, string>): Promise<string> {
  const directory = path.join(assets, name);
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(directory, file)), { recursive: true });
    await writeFile(path.join(directory, file), content);
  }
  return directory;
}

/** A function whose code is `index.mjs`, with Lambda's defaults unless overridden. */
async function functionOf(
  name: string,
  code: string,
  overrides: Partial<LambdaFunctionDefinition> = {},
): Promise<LambdaFunctionDefinition> {
  return {
    logicalId: name,
    functionName: name,
    codeDirectory: await asset(name, { 'index.mjs': code }),
    layerDirectories: [],
    handler: 'index.handler',
    runtime: 'nodejs24.x',
    nodeMajor: 24,
    timeoutSeconds: 10,
    memoryMb: 256,
    ephemeralStorageMb: 512,
    environment: {},
    ...overrides,
  };
}

function sandboxesOf(...definitions: LambdaFunctionDefinition[]): FunctionSandboxes {
  const sandboxes = new FunctionSandboxes(definitions, {
    region: 'us-east-1',
    functionArn: (definition) => `arn:aws:lambda:us-east-1:000000000000:function:${definition.functionName}`,
    credentials: () => ({ accessKeyId: 'LOCAL', secretAccessKey: 'LOCAL' }),
    endpoints: () => ({ AWS_ENDPOINT_URL: 'http://127.0.0.1:1' }),
  });
  onTestFinished(() => sandboxes.stop());
  return sandboxes;
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

describe('a function in its sandbox', () => {
  it('is loaded and invoked by the runtime interface client, and answers with its result', async () => {
    // Prepare
    const echo = await functionOf(
      'echo',
      'export const handler = async (event, context) => ({ event, requestId: context.awsRequestId, arn: context.invokedFunctionArn, node: process.version });',
    );
    const sandboxes = sandboxesOf(echo);

    // Act
    const answer = (await sandboxes.invoke('echo', { scene: 's01' })) as Record<string, string>;

    // Assess
    expect(answer.event).toEqual({ scene: 's01' });
    expect(answer.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.arn).toBe('arn:aws:lambda:us-east-1:000000000000:function:echo');
    expect(answer.node).toMatch(/^v24\./);
  });

  it('fails at cold start, naming the module, when its bundle imports a package no layer provides', async () => {
    // Prepare
    const esmImporter = await functionOf(
      'esm-importer',
      "import OpenAI from 'openai';\nexport const handler = async () => typeof OpenAI;",
    );
    const cjsImporter = {
      ...esmImporter,
      logicalId: 'cjs-importer',
      functionName: 'cjs-importer',
      codeDirectory: await asset('cjs-importer', {
        'index.js': "const OpenAI = require('openai');\nexports.handler = async () => typeof OpenAI;",
      }),
    };
    const sandboxes = sandboxesOf(esmImporter, cjsImporter);

    // Act
    const failures = [
      await failureOf(sandboxes.invoke('esm-importer', {})),
      await failureOf(sandboxes.invoke('cjs-importer', {})),
    ];

    // Assess: AWS's client names a CommonJS MODULE_NOT_FOUND Runtime.ImportModuleError, and reports an ES module's ERR_MODULE_NOT_FOUND as it is.
    expect(failures.map((failure) => failure.name)).toEqual(['Error', 'Runtime.ImportModuleError']);
    expect(failures[0]!.message).toMatch(/Cannot find package 'openai' imported from \/var\/task\/index\.mjs/);
    expect(failures[1]!.message).toMatch(/Cannot find module 'openai'/);
    expect(sandboxes.statistics('esm-importer')).toMatchObject({ coldStarts: 1, invocations: 0 });
  });

  it('imports a package from its layer under /opt/nodejs/node_modules, as ES module resolution through NODE_PATH does in Lambda', async () => {
    // Prepare
    const layer = await asset('greeting-layer', {
      'nodejs/node_modules/greeting/package.json': JSON.stringify({
        name: 'greeting',
        type: 'module',
        exports: './index.js',
      }),
      'nodejs/node_modules/greeting/index.js': 'export const greet = (name) => `hello ${name}`;',
    });
    const greeter = await functionOf(
      'greeter',
      "import { greet } from 'greeting';\nexport const handler = async () => greet('Ben');",
      { layerDirectories: [layer] },
    );
    const sandboxes = sandboxesOf(greeter);

    // Act
    const answer = await sandboxes.invoke('greeter', {});

    // Assess
    expect(answer).toBe('hello Ben');
  });

  it('is killed past its timeout, and the invocation fails with Sandbox.Timedout', async () => {
    // Prepare
    const sleeper = await functionOf(
      'sleeper',
      'export const handler = () => new Promise((resolve) => setTimeout(resolve, 60_000));',
      { timeoutSeconds: 1 },
    );
    const sandboxes = sandboxesOf(sleeper);

    // Act
    const failure = await failureOf(sandboxes.invoke('sleeper', {}));
    const afterwards = await failureOf(sandboxes.invoke('sleeper', {}));

    // Assess
    expect(failure.name).toBe('Sandbox.Timedout');
    expect(failure.message).toMatch(/^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/);
    expect(afterwards.name).toBe('Sandbox.Timedout');
    expect(sandboxes.statistics('sleeper').coldStarts).toBe(2);
  });

  it('fills /tmp only up to its ephemeral storage, then gets ENOSPC', async () => {
    // Prepare
    const filler = await functionOf(
      'filler',
      `import { writeFileSync } from 'node:fs';
export const handler = async ({ megabytes }) => { writeFileSync('/tmp/fill', Buffer.alloc(megabytes * 1024 * 1024)); return megabytes; };`,
      { ephemeralStorageMb: 8 },
    );
    const sandboxes = sandboxesOf(filler);

    // Act
    const fits = await sandboxes.invoke('filler', { megabytes: 6 });
    const failure = await failureOf(sandboxes.invoke('filler', { megabytes: 9 }));

    // Assess
    expect(fits).toBe(6);
    expect(failure.message).toMatch(/ENOSPC: no space left on device/);
  });

  it('has a heap of its memory size: a handler that holds more ends its runtime, and the next invocation starts a new sandbox', async () => {
    // Prepare
    const hoarder = await functionOf(
      'hoarder',
      `const held = [];
export const handler = async ({ megabytes }) => { for (let i = 0; i < megabytes; i++) held.push(new Array(128 * 1024).fill(i)); return held.length; };`,
      { memoryMb: 128 },
    );
    const sandboxes = sandboxesOf(hoarder);

    // Act
    const failure = await failureOf(sandboxes.invoke('hoarder', { megabytes: 512 }));
    const fresh = await sandboxes.invoke('hoarder', { megabytes: 8 });

    // Assess
    expect(failure.name).toBe('Runtime.ExitError');
    // V8 aborts a process past its heap limit ("FATAL ERROR: Reached heap limit").
    expect(failure.message).toMatch(/Runtime exited with error: signal: aborted$/);
    expect(fresh).toBe(8);
    expect(sandboxes.statistics('hoarder').coldStarts).toBe(2);
  });

  it("sees only its template's environment and Lambda's, and nothing of the repository", async () => {
    // Prepare
    process.env.DRAMAFORGE_PARENT_ONLY = 'not for functions';
    onTestFinished(() => {
      delete process.env.DRAMAFORGE_PARENT_ONLY;
    });
    const inspector = await functionOf(
      'inspector',
      `import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
const resolves = (name) => { try { createRequire(import.meta.url).resolve(name); return true; } catch { return false; } };
export const handler = async ({ repository }) => ({
  variables: Object.keys(process.env).sort(),
  repositoryVisible: existsSync(repository) || existsSync(repository + '/package.json'),
  vitestResolves: resolves('vitest'),
  sdkResolves: resolves('@aws-sdk/client-s3'),
  user: process.getuid(),
});`,
      { environment: { TABLE_NAME: 'local-productions' } },
    );
    const sandboxes = sandboxesOf(inspector);

    // Act
    const seen = (await sandboxes.invoke('inspector', { repository: REPOSITORY_ROOT })) as {
      variables: string[];
      repositoryVisible: boolean;
      vitestResolves: boolean;
      sdkResolves: boolean;
      user: number;
    };

    // Assess
    expect(seen.variables).toEqual(
      [
        'TABLE_NAME',
        'AWS_ENDPOINT_URL',
        'AWS_LAMBDA_FUNCTION_NAME',
        'AWS_LAMBDA_FUNCTION_VERSION',
        'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
        'AWS_LAMBDA_LOG_GROUP_NAME',
        'AWS_LAMBDA_LOG_STREAM_NAME',
        'AWS_LAMBDA_INITIALIZATION_TYPE',
        'AWS_EXECUTION_ENV',
        'AWS_REGION',
        'AWS_DEFAULT_REGION',
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_LAMBDA_RUNTIME_API',
        'LAMBDA_TASK_ROOT',
        'LAMBDA_RUNTIME_DIR',
        '_HANDLER',
        'NODE_PATH',
        'PATH',
        'LD_LIBRARY_PATH',
        'LANG',
        'TZ',
        // Set by the runtime interface client itself for each invocation.
        '_X_AMZN_TRACE_ID',
      ].sort(),
    );
    expect(seen.repositoryVisible).toBe(false);
    expect(seen.vitestResolves).toBe(false);
    expect(seen.sdkResolves).toBe(true);
    expect(seen.user).not.toBe(0);
  });

  it('stays warm: a second invocation reuses the sandbox and its module state', async () => {
    // Prepare
    const counter = await functionOf(
      'counter',
      'let invocations = 0;\nexport const handler = async () => ++invocations;',
    );
    const sandboxes = sandboxesOf(counter);

    // Act
    const answers = [await sandboxes.invoke('counter', {}), await sandboxes.invoke('counter', {})];

    // Assess
    expect(answers).toEqual([1, 2]);
    expect(sandboxes.statistics('counter')).toMatchObject({ coldStarts: 1, invocations: 2 });
  });

  it("throws the handler's error under its name, for Retry and Catch to match, and stays warm", async () => {
    // Prepare
    const throttled = await functionOf(
      'throttled',
      "class ProviderThrottled extends Error { name = 'ProviderThrottled'; }\nexport const handler = async () => { throw new ProviderThrottled('the provider said 429'); };",
    );
    const sandboxes = sandboxesOf(throttled);

    // Act
    const failures = [
      await failureOf(sandboxes.invoke('throttled', {})),
      await failureOf(sandboxes.invoke('throttled', {})),
    ];

    // Assess
    expect(failures.map((failure) => [failure.name, failure.message])).toEqual([
      ['ProviderThrottled', 'the provider said 429'],
      ['ProviderThrottled', 'the provider said 429'],
    ]);
    expect(sandboxes.statistics('throttled').coldStarts).toBe(1);
  });

  it('runs at most its reserved concurrency at once: the invocations beyond it wait, and reuse the warm sandbox', async () => {
    // Prepare
    const slow = await functionOf(
      'slow',
      'export const handler = () => new Promise((resolve) => setTimeout(() => resolve(Date.now()), 300));',
      { reservedConcurrency: 1 },
    );
    const sandboxes = sandboxesOf(slow);

    // Act
    const finished = (await Promise.all([
      sandboxes.invoke('slow', {}),
      sandboxes.invoke('slow', {}),
      sandboxes.invoke('slow', {}),
    ])) as number[];

    // Assess
    expect(sandboxes.statistics('slow')).toMatchObject({ coldStarts: 1, invocations: 3 });
    const sorted = [...finished].sort((a, b) => a - b);
    expect(sorted[1]! - sorted[0]!).toBeGreaterThanOrEqual(290);
    expect(sorted[2]! - sorted[1]!).toBeGreaterThanOrEqual(290);
  });

  it('is throttled, never started, when its reserved concurrency is 0', async () => {
    // Prepare
    const switchedOff = await functionOf('switched-off', 'export const handler = async () => 1;', {
      reservedConcurrency: 0,
    });
    const sandboxes = sandboxesOf(switchedOff);

    // Act
    const failure = await failureOf(sandboxes.invoke('switched-off', {}));

    // Assess
    expect(failure.name).toBe('Lambda.TooManyRequestsException');
    expect(sandboxes.statistics('switched-off')).toMatchObject({ coldStarts: 0, invocations: 0 });
  });
});
