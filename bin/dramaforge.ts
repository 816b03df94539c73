import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ManifestInvalid } from '../lambdas/core/contracts/errors.js';
import { PROVIDER_PROFILES } from '../lambdas/core/contracts/provider-profiles.js';
import { ENVIRONMENT_NAMES, type EnvironmentName } from '../lib/config/environment-config.js';
import type { RunResult } from '../local/client/production-client.js';
import type { ProfileOverride } from '../local/commands/profile-override.js';

// Each command imports what it needs when it runs: `--help` loads only commander, `validate` also the manifest
// parser (yaml, zod), and neither pays for the AWS SDK, the embedded engines or canvas.

// dramaforge supports Node 20, the version studio machines and this project's CI run; the SDK's upgrade
// notice is noise here. No static import above loads the SDK, so this is set before any command does.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// The CLI runs the handlers in a worker process per core (docs/twin.md): measured on 2 cores, a 10 x 8 studio
// season finished in 123 s against 144 s in one process, and tet-homecoming took the same time either way.
// DRAMAFORGE_HANDLER_WORKERS=0 keeps them in the runtime's process.
process.env.DRAMAFORGE_HANDLER_WORKERS ??= String(availableParallelism());

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/** The usual ways a file cannot be read or written, in words: a producer should not need to know errno codes. */
const FILE_PROBLEMS: Record<string, string> = {
  ENOENT: 'there is no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'part of its path is a file, not a folder',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'its symbolic links go round in a loop',
  ENOSPC: 'the disk is full',
  EROFS: 'the file system is read-only',
};

function fileProblem(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  // Node's own message, without its code in front or the call and path after it: "no such file or directory".
  return (code && FILE_PROBLEMS[code]) ?? message.replace(/^E[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
}

async function readManifestFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    fail(`${file}: cannot read the manifest: ${fileProblem(error)}`);
  }
}

async function validate(file: string): Promise<void> {
  const bytes = await readManifestFile(file);
  const { parseManifest } = await import('../lambdas/core/manifest/parse.js');
  try {
    const manifest = parseManifest(bytes);
    // Models have lifecycles only on real profiles: an offline manifest loads nothing more to be validated.
    const { profile, overrides = {} } = manifest.providers;
    if ([profile, ...Object.values(overrides)].some((name) => name !== 'offline')) {
      const { endOfLifeProblems } = await import('../lambdas/composition/model-lifecycle-check.js');
      const endOfLife = endOfLifeProblems(manifest.providers, process.env, new Date());
      if (endOfLife.length > 0) throw new ManifestInvalid(endOfLife);
    }
    const { asksForNativeVoice } = await import('../lambdas/core/domain/native-voice.js');
    if (asksForNativeVoice(manifest)) {
      const { nativeVoiceProblems } = await import('../lambdas/composition/native-voice-check.js');
      const voiceProblems = nativeVoiceProblems(manifest, process.env);
      if (voiceProblems.length > 0) throw new ManifestInvalid(voiceProblems);
    }
    const scenes = manifest.episodes.reduce((sum, e) => sum + (e.scenes?.length ?? 0), 0);
    const toDevelop = manifest.episodes.filter((e) => !e.scenes).length;
    const development = toDevelop > 0 ? `; ${toDevelop} episodes to develop from their synopsis` : '';
    process.stdout.write(
      `${file}: valid (${manifest.production}: ${manifest.episodes.length} episodes, ${scenes} scenes${development})\n`,
    );
  } catch (error) {
    if (error instanceof ManifestInvalid) fail(error.problems.map((p) => `${p.path}: ${p.reason}`).join('\n'));
    throw error;
  }
}

/** Progress on one rewritten line at a terminal; in a log (CI), a line when it changes, at most every 5 s. */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * A run's progress on stderr, and its Ctrl-C: the first SIGINT or SIGTERM lets the calls under way
 * finish (the run then ends in RunInterrupted, which `stopped` turns into one line); a second stops at once.
 */
function progressPrinter() {
  const interactive = process.stderr.isTTY;
  let lastPrinted = 0;
  let lastLine = '';
  const stop = new AbortController();
  let exitCode: number = SIGNAL_EXIT_CODES.SIGINT;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stop.signal.aborted) {
        process.stderr.write(
          '\nstopped at once: a call that was under way may be bought again when the same command resumes the run\n',
        );
        process.exit(SIGNAL_EXIT_CODES[signal]);
      }
      exitCode = SIGNAL_EXIT_CODES[signal];
      process.stderr.write(
        '\nstopping: the calls under way finish first, so none is bought twice (Ctrl-C again stops at once)\n',
      );
      stop.abort();
    });
  }
  return {
    stopSignal: stop.signal,
    /** Ends the command with one line if `error` is the run stopping at a signal. */
    async stopped(error: unknown) {
      // Loaded when a run has ended in an error, so that --help and validate load commander alone.
      const { RunInterrupted } = await import('../local/commands/run-interrupted.js');
      if (!(error instanceof RunInterrupted)) return;
      if (interactive) process.stderr.write('\n');
      fail(lastLine ? `${error.message}; it had got to: ${lastLine}` : error.message, exitCode);
    },
    onProgress(line: string) {
      if (interactive) {
        process.stderr.write(`\r\x1b[2K${line}`);
      } else if (line !== lastLine && Date.now() - lastPrinted > 5000) {
        process.stderr.write(`${line}\n`);
        lastPrinted = Date.now();
      }
      lastLine = line;
    },
    done() {
      if (interactive) process.stderr.write('\n');
    },
  };
}

/** What a run delivered, on stdout; what went wrong, as the message to fail with. */
function outcomeOf(command: string, result: RunResult): string | undefined {
  if (result.problems) return result.problems.map((p) => `${p.path}: ${p.reason}`).join('\n');
  if (result.reused)
    process.stdout.write(
      `this manifest was already produced by execution ${result.executionName}; outputs refreshed\n`,
    );
  if (result.outputDir && result.report) {
    const { totalUsd, unconfirmedUsd } = result.report.cost;
    const unconfirmed = unconfirmedUsd > 0 ? `, $${unconfirmedUsd.toFixed(4)} of it unconfirmed` : '';
    // A report written before consistency was summarised has no such section.
    const belowThreshold = result.report.consistency?.scenes ?? [];
    const shortOfThreshold =
      belowThreshold.length > 0
        ? `; ${belowThreshold.length} scenes kept a keyframe below the consistency threshold: ${belowThreshold.join(', ')}`
        : '';
    process.stdout.write(
      `${result.report.status}: ${result.outputDir} (${result.report.episodes.filter((e) => e.file).length} episodes, spent $${totalUsd.toFixed(4)}${unconfirmed}${shortOfThreshold})\n`,
    );
  }
  return result.ok ? undefined : `${command} failed: ${result.reason}`;
}

function reportOutcome(command: string, result: RunResult): void {
  const failure = outcomeOf(command, result);
  if (failure) fail(failure);
}

interface RunOptions {
  out: string;
  data: string;
}

interface DeployedOptions {
  deployed?: boolean;
  env: string;
  cdkOut?: string;
}

/**
 * The cloud assembly a deployed run takes its functions from: the one given, or the environment synthesized
 * into the data directory. `reuse` takes the one a production there already ran on, so that the rest of it
 * (a review's decision, a re-render) runs the same functions.
 */
async function deployedAssembly(options: DeployedOptions & { data: string }, reuse = false) {
  const [{ synthesizeEnvironment, stackNameOf }, { appendFileSync, existsSync, mkdirSync }] = await Promise.all([
    import('../local/runtime/index.js'),
    import('node:fs'),
  ]);
  const stackName = stackNameOf(options.env);
  let cdkOut = options.cdkOut && path.resolve(options.cdkOut);
  const synthesized = path.resolve(options.data, 'cdk.out', options.env);
  if (!cdkOut && reuse && existsSync(path.join(synthesized, 'manifest.json'))) {
    process.stderr.write(`using ${synthesized}, the assembly synthesized for this data directory's productions\n`);
    cdkOut = synthesized;
  }
  if (!cdkOut) {
    process.stderr.write(`synthesizing ${stackName} as cdk deploy would upload it (a few minutes)\n`);
    cdkOut = await synthesizeEnvironment(options.env, synthesized);
  }
  const logs = path.resolve(options.data, 'function-logs');
  mkdirSync(logs, { recursive: true });
  process.stderr.write(`running every function from ${cdkOut} in its sandbox; their logs are in ${logs}\n`);
  // A deployed function reads its provider keys from the stack's secret, never from variables: put them there, as a user would.
  const apiKey = process.env.DRAMAFORGE_OPENAI_API_KEY ?? process.env.OPENAI_API_KEY;
  const baseUrl = process.env.DRAMAFORGE_OPENAI_BASE_URL ?? process.env.OPENAI_BASE_URL;
  if (apiKey)
    process.stderr.write(
      `putting the OpenAI-compatible key${baseUrl ? ' and base URL' : ''} from this environment into the stack's provider secret\n`,
    );
  return {
    cdkOut,
    stackName,
    ...(apiKey && { providerSecret: JSON.stringify({ apiKey, ...(baseUrl && { baseUrl }) }) }),
    onFunctionLog: (functionName: string, chunk: string) =>
      appendFileSync(path.join(logs, `${functionName}.log`), chunk),
    onProgress: (line: string) => process.stderr.write(`${line}\n`),
  };
}

async function produceCommand(
  files: string[],
  options: RunOptions & DeployedOptions & { profile?: ProfileOverride },
): Promise<void> {
  for (const file of files) await readManifestFile(file);
  const { profile } = options;
  const [{ produceMany }, { dataDirOwner }] = await Promise.all([
    import('../local/commands/produce.js'),
    import('../local/runtime/index.js'),
  ]);
  const studio = dataDirOwner(path.resolve(options.data))?.endpoint;
  if (studio && options.deployed)
    fail(
      `a studio owns ${options.data}: --deployed starts a runtime of its own, so stop the studio or give another --data`,
    );
  if (studio) process.stderr.write(`a studio owns ${options.data}: producing through it at ${studio}\n`);
  const deployed = options.deployed ? await deployedAssembly(options) : undefined;
  const progress = progressPrinter();
  const results = await produceMany({
    manifestPaths: files,
    profile,
    outDir: path.resolve(options.out),
    dataDir: path.resolve(options.data),
    onProgress: progress.onProgress,
    stopSignal: progress.stopSignal,
    deployed,
  }).catch(async (error: unknown) => {
    await progress.stopped(error);
    throw error;
  });
  progress.done();
  const failures = results.flatMap(
    (result, index) => outcomeOf(files.length === 1 ? 'produce' : `produce ${files[index]}`, result) ?? [],
  );
  if (failures.length > 0) fail(failures.join('\n'));
}

async function developCommand(
  file: string,
  options: { out?: string; profile?: ProfileOverride; data: string },
): Promise<void> {
  await readManifestFile(file);
  const { profile } = options;
  const [{ writeFile }, { developBible }] = await Promise.all([
    import('node:fs/promises'),
    import('../local/commands/develop.js'),
  ]);
  const result = await developBible({
    biblePath: file,
    profile,
    dataDir: path.resolve(options.data),
    onEpisode: (episodeId, done, total) => process.stderr.write(`developed ${episodeId} (${done}/${total})\n`),
  });
  if (!result.ok)
    fail(
      result.problems
        ? result.problems.map((p) => `${p.path}: ${p.reason}`).join('\n')
        : `develop failed: ${result.reason}`,
    );
  const scenes = result.manifest.episodes.reduce((sum, episode) => sum + episode.scenes.length, 0);
  const summary = `${result.productionId}: ${result.records.length} episodes developed, ${scenes} scene cards, spent $${result.spentUsd.toFixed(4)}`;
  if (options.out) {
    await writeFile(options.out, result.yaml).catch((error: unknown) =>
      fail(`${options.out}: cannot write the developed manifest: ${fileProblem(error)}`),
    );
    process.stdout.write(`${summary}; wrote ${options.out}\n`);
  } else {
    process.stdout.write(result.yaml);
    process.stderr.write(`${summary}\n`);
  }
}

async function estimate(file: string, options: { profile?: ProfileOverride; data: string }): Promise<void> {
  const bytes = await readManifestFile(file);
  const { profile } = options;
  const [{ parseManifest }, { withProfile }, { estimateProduction, formatEstimate }, { ALL_STAGES }] =
    await Promise.all([
      import('../lambdas/core/manifest/parse.js'),
      import('../local/commands/profile-override.js'),
      import('../lambdas/composition/production-estimate.js'),
      import('../lambdas/catalog.js'),
    ]);
  let manifest: ReturnType<typeof parseManifest>;
  try {
    manifest = parseManifest(profile ? withProfile(bytes, profile) : bytes);
  } catch (error) {
    if (error instanceof ManifestInvalid) fail(error.problems.map((p) => `${p.path}: ${p.reason}`).join('\n'));
    throw error;
  }
  const { readSpendSoFar } = await import('../local/commands/spend-so-far.js');
  const spent = await readSpendSoFar(path.resolve(options.data), manifest.production);
  // The functions' sizes, from the stage descriptors the CDK deploys, price AWS's own share.
  const forecast = estimateProduction(
    manifest,
    process.env,
    Number(process.env.KEYFRAME_MAX_ATTEMPTS ?? 3),
    new Date(),
    ALL_STAGES,
  );
  if (forecast.endOfLife.length > 0) fail(forecast.endOfLife.map((p) => `${p.path}: ${p.reason}`).join('\n'));
  process.stdout.write(`${formatEstimate(forecast, typeof spent === 'object' ? spent : undefined)}\n`);
  if (spent === 'running')
    process.stdout.write(`a run is going in ${options.data}: its progress line shows what it has spent\n`);
  // A script that checks the estimate before producing must not take an over-budget forecast for a go-ahead.
  if (forecast.expectedUsd > forecast.budgetUsd) {
    fail(
      `estimate: the expected cost $${forecast.expectedUsd.toFixed(4)} is over the budget $${forecast.budgetUsd.toFixed(2)}; raise budgetUsd to at least $${Math.ceil(forecast.expectedUsd).toFixed(2)} or the production stops at the budget`,
    );
  }
}

interface ScenePath {
  episodeId: string;
  sceneId: string;
}

function scenePath(value: string): ScenePath {
  const [episodeId, sceneId, ...more] = value.split('/');
  if (!episodeId || !sceneId || more.length)
    throw new InvalidArgumentError('expected <episode>/<scene>, as in ep01/s03.');
  return { episodeId, sceneId };
}

/** What a command that goes on with a production of the data directory hands the run: where, its progress, and the deployed assembly. */
interface ContinuedRun {
  outDir: string;
  dataDir: string;
  onProgress: (line: string) => void;
  stopSignal: AbortSignal;
  deployed: Awaited<ReturnType<typeof deployedAssembly>> | undefined;
}

/**
 * `rerender` and `dub`: goes on with a production this data directory holds, on the assembly it ran on when
 * --deployed, showing progress; its outcome, or a refusal `refusalOf` recognises, ends in one line.
 */
async function continueProduction(
  command: string,
  options: RunOptions & DeployedOptions,
  run: (continued: ContinuedRun) => Promise<RunResult>,
  refusalOf: (error: unknown) => string | undefined,
): Promise<void> {
  const deployed = options.deployed ? await deployedAssembly(options, true) : undefined;
  const progress = progressPrinter();
  try {
    const result = await run({
      outDir: path.resolve(options.out),
      dataDir: path.resolve(options.data),
      onProgress: progress.onProgress,
      stopSignal: progress.stopSignal,
      deployed,
    });
    progress.done();
    reportOutcome(command, result);
  } catch (error) {
    await progress.stopped(error);
    const refusal = refusalOf(error);
    if (refusal !== undefined) fail(refusal);
    throw error;
  }
}

async function rerenderCommand(
  productionId: string,
  { episodeId, sceneId }: ScenePath,
  options: RunOptions & DeployedOptions,
): Promise<void> {
  const { RerenderRefused, rerender } = await import('../local/commands/rerender.js');
  await continueProduction(
    'rerender',
    options,
    (continued) => rerender({ productionId, episodeId, sceneId, ...continued }),
    (error) => (error instanceof RerenderRefused ? error.message : undefined),
  );
}

function languageList(value: string): string[] {
  const languages = value
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
  if (languages.length === 0)
    throw new InvalidArgumentError('expected language tags separated by commas, as in th-TH,ko-KR.');
  return languages;
}

async function dubCommand(
  productionId: string,
  options: RunOptions & DeployedOptions & { to: string[] },
): Promise<void> {
  const { DubRefused, dub } = await import('../local/commands/dub.js');
  await continueProduction(
    'dub',
    options,
    (continued) => dub({ productionId, languages: options.to, ...continued }),
    (error) => {
      if (error instanceof DubRefused) return error.message;
      if (error instanceof ManifestInvalid) return error.problems.map((p) => `${p.path}: ${p.reason}`).join('\n');
      return undefined;
    },
  );
}

interface ReviewCommandOptions extends RunOptions, DeployedOptions {
  notes?: string;
  table?: string;
  region?: string;
}

/** `approve` / `reject`: this machine's paused production, or with --table a deployed environment's. */
async function reviewCommand(
  decision: 'APPROVED' | 'REJECTED',
  productionId: string,
  options: ReviewCommandOptions,
): Promise<void> {
  const command = decision === 'APPROVED' ? 'approve' : 'reject';
  const { ReviewRefused, reviewDeployed, reviewLocally } = await import('../local/commands/review.js');
  try {
    if (options.table) {
      const review = await reviewDeployed({
        productionId,
        decision,
        notes: options.notes,
        tableName: options.table,
        region: options.region,
      });
      process.stdout.write(
        `${decision}: ${productionId}; its execution ${review.executionName} goes on from ${review.cut === 'animatic' ? 'the animatic' : 'the cut'}\n`,
      );
      return;
    }
    const deployed = options.deployed ? await deployedAssembly(options, true) : undefined;
    const progress = progressPrinter();
    const result = await reviewLocally({
      productionId,
      decision,
      notes: options.notes,
      outDir: path.resolve(options.out),
      dataDir: path.resolve(options.data),
      onProgress: progress.onProgress,
      stopSignal: progress.stopSignal,
      deployed,
    }).catch(async (error: unknown) => {
      await progress.stopped(error);
      throw error;
    });
    progress.done();
    const failure = outcomeOf(command, result);
    if (result.refusal) fail(`${command} refused: ${result.refusal}`);
    if (failure) fail(failure);
  } catch (error) {
    if (error instanceof ReviewRefused) fail(`${command} refused: ${error.message}`);
    throw error;
  }
}

async function redriveCommand(options: {
  data: string;
  queueArn?: string;
  destinationArn?: string;
  region?: string;
}): Promise<void> {
  const deadLetterQueueArn = options.queueArn;
  if (deadLetterQueueArn) {
    const region = options.region ?? deadLetterQueueArn.split(':')[3];
    const [{ SQSClient }, { redriveDeadLetters }] = await Promise.all([
      import('@aws-sdk/client-sqs'),
      import('../local/commands/dead-letters.js'),
    ]);
    const moved = await redriveDeadLetters(new SQSClient({ region }), deadLetterQueueArn, options.destinationArn);
    process.stdout.write(`moved ${moved} messages from ${deadLetterQueueArn} back to their queue\n`);
    return;
  }
  const { redriveLocal } = await import('../local/commands/redrive.js');
  const { moved, returned } = await redriveLocal(path.resolve(options.data));
  process.stdout.write(
    `moved ${moved} messages back to the video queue; ${returned} failed again and are back in the dead-letter queue\n`,
  );
}

async function preflightCommand(options: { env: EnvironmentName; region?: string; secret?: string }): Promise<void> {
  const [{ ENVIRONMENTS }, { withAccountLimitsFromContext }, { ALL_STAGES }, preflight] = await Promise.all([
    import('../lib/config/environments.js'),
    import('../lib/config/account-limits.js'),
    import('../lambdas/catalog.js'),
    import('../local/commands/preflight.js'),
  ]);
  const configured = ENVIRONMENTS[options.env];
  // The limits a deploy from here would fit the stack to: cdk.json's context, as `cdk deploy` reads it.
  const context =
    (JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as { context?: Record<string, unknown> })
      .context ?? {};
  const environment = withAccountLimitsFromContext(configured, (key) => context[key]);
  const region = options.region ?? environment.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) fail('dramaforge preflight: no Region: pass --region, or set AWS_REGION');
  const [
    { STSClient },
    { LambdaClient },
    { BedrockClient },
    { ServiceQuotasClient },
    { SSMClient },
    { SecretsManagerClient },
  ] = await Promise.all([
    import('@aws-sdk/client-sts'),
    import('@aws-sdk/client-lambda'),
    import('@aws-sdk/client-bedrock'),
    import('@aws-sdk/client-service-quotas'),
    import('@aws-sdk/client-ssm'),
    import('@aws-sdk/client-secrets-manager'),
  ]);
  const config = { region, maxAttempts: 2 };
  try {
    const lines = await preflight.runPreflight(
      {
        sts: new STSClient(config),
        lambda: new LambdaClient(config),
        bedrock: new BedrockClient(config),
        quotas: new ServiceQuotasClient(config),
        ssm: new SSMClient(config),
        secrets: new SecretsManagerClient(config),
      },
      {
        environment,
        region,
        env: process.env,
        today: new Date(),
        stageMemoryMb: Object.fromEntries(ALL_STAGES.map((stage) => [stage.name, stage.memoryMb])),
        providerSecret: options.secret,
      },
    );
    process.stdout.write(`${preflight.formatPreflight(lines)}\n`);
    const blocking = lines.filter((l) => l.verdict === 'fail').length;
    if (blocking > 0) fail(`dramaforge preflight: ${blocking} of ${lines.length} checks would fail in ${region}`);
  } catch (error) {
    if (error instanceof preflight.PreflightNoCredentials) fail(`dramaforge preflight: ${error.message}`);
    throw error;
  }
}

const LEGACY_OPENSSL = '--openssl-legacy-provider';

/**
 * s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 keeps in its legacy
 * provider; without it, any listing of more than one page fails (`aws s3 ls --recursive` on a bucket
 * past 1,000 objects). The studio therefore runs itself again in a Node with that provider loaded,
 * passing its output and exit code through; the child owns the data directory.
 */
async function runWithLegacyOpenssl(): Promise<never> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [LEGACY_OPENSSL, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  // Ctrl-C reaches the child too (same process group); a signal sent to this process alone is passed on.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  const code = await new Promise<number>((resolve) =>
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0))),
  );
  process.exit(code);
}

/** The studio's s3rver needs OpenSSL's legacy provider: a command that runs a studio runs in a Node that has it. */
async function ensureLegacyOpenssl(): Promise<void> {
  if (!process.execArgv.includes(LEGACY_OPENSSL) && !(process.env.NODE_OPTIONS ?? '').includes(LEGACY_OPENSSL))
    await runWithLegacyOpenssl();
}

async function studioCommand(options: DeployedOptions & { data: string; port: string; host?: string }): Promise<void> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`--port: ${options.port} is not a port number`, 2);
  await ensureLegacyOpenssl();
  const { startStudio, LOOPBACK } = await import('../local/studio/studio.js');
  const host = options.host ?? LOOPBACK;
  if (host !== LOOPBACK && host !== 'localhost') {
    process.stderr.write(
      `warning: --host ${host} lets other machines reach S3, SQS, DynamoDB and Step Functions here with any credentials\n`,
    );
  }
  const deployed = options.deployed ? await deployedAssembly(options) : undefined;
  const studio = await startStudio({ dataDir: path.resolve(options.data), port, host, deployed });
  const { endpoint, bucket, stateMachineArn, consoleUrl } = studio;
  process.stdout.write(`${JSON.stringify({ endpoint, bucket, stateMachineArn, consoleUrl })}\n`);
  process.stderr.write(
    [
      `dramaforge studio: S3, SQS, DynamoDB and Step Functions at ${endpoint} (any credentials)`,
      `  start a production: aws --endpoint-url ${endpoint} s3 cp <manifest.yaml> s3://${bucket}/manifests/`,
      `  follow it:          aws --endpoint-url ${endpoint} stepfunctions list-executions --state-machine-arn ${stateMachineArn}`,
      `  console:            ${consoleUrl}`,
      ...(studio.runtime.providerSecretArn
        ? [
            `  provider keys:      aws --endpoint-url ${endpoint} secretsmanager put-secret-value --secret-id ${studio.runtime.providerSecretArn} --secret-string '{"apiKey":"...","baseUrl":"https://..."}'`,
          ]
        : []),
      '  Ctrl-C stops the studio; productions cut off go on at its next start.',
      '',
    ].join('\n'),
  );
  // `on`, not `once`: a second signal while stopping (Ctrl-C reaches the parent too, which passes it on) must not kill the stop half-way.
  await new Promise<void>((resolve) => {
    process.on('SIGINT', () => resolve());
    process.on('SIGTERM', () => resolve());
  });
  await studio.stop();
}

async function mcpCommand(options: RunOptions & { profile?: ProfileOverride; allowApprove?: boolean }): Promise<void> {
  const { profile } = options;
  await ensureLegacyOpenssl();
  const { serveMcp } = await import('../local/mcp/mcp-server.js');
  await serveMcp({
    dataDir: path.resolve(options.data),
    outDir: path.resolve(options.out),
    profile,
    allowApprove: options.allowApprove ?? false,
    version: packageVersion(),
    onLog: (line) => process.stderr.write(`${line}\n`),
  });
}

/** From the source tree, and from dist/ where the build copies package.json, this is the package's own manifest. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

const program = new Command('dramaforge')
  .description('The production line for AI short dramas: a series manifest in, finished episodes out.')
  .version(packageVersion(), '-v, --version', 'print the version')
  .helpCommand(false)
  // Exit 2 (commander's is 1) for a command line that cannot run, so a script tells it from a command that ran and failed.
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  // One line per error, so a log shows it whole: commander puts its "Did you mean" on a second line.
  .configureOutput({
    outputError: (message, write) => write(`dramaforge: ${message.trim().replace(/\s*\n\s*/g, ' ')}\n`),
  });

const manifestArgument = ['<manifest>', 'the series manifest (YAML)'] as const;
/** The production's functions from the cloud assembly, as --deployed ran it. */
const continueDeployedFlags = {
  deployed: [
    '--deployed',
    'run every function as Lambda runs it, as produce --deployed did: from the assembly synthesized into --data (or --cdk-out), each in its sandbox',
  ],
  cdkOut: ['--cdk-out <dir>', 'with --deployed: the assembly the production ran on, when produce was given one'],
} as const;
const envFlag = (description: string) =>
  new Option('--env <env>', description).choices(ENVIRONMENT_NAMES).default('dev');
const profileFlag = () =>
  new Option('--profile <profile>', "a provider profile to use instead of the manifest's providers.profile").choices(
    PROVIDER_PROFILES,
  );
const outOptionFlags = ['--out <dir>', 'where the deliverables are written, one folder per production', 'out'] as const;
const dataOptionFlags = [
  '--data <dir>',
  'where the embedded engines keep the table, the bucket and the execution records',
  '.dramaforge',
] as const;

program
  .command('produce')
  .description('produce one or more series on this machine, all at once, sharing the providers')
  .argument('<manifest...>', 'the series manifests (YAML)')
  .option(...outOptionFlags)
  .option(...dataOptionFlags)
  .addOption(profileFlag())
  .option(
    '--deployed',
    'run every function as Lambda runs it: from the cloud assembly cdk deploy would upload, each in a sandbox of its own, on its runtime (linux-x64, as root)',
  )
  .addOption(envFlag('with --deployed: the environment whose stack is synthesized'))
  .option(
    '--cdk-out <dir>',
    'with --deployed: an assembly already synthesized (cdk synth --output), instead of synthesizing one',
  )
  .action(produceCommand);
program
  .command('develop')
  .summary("write a series bible's scene cards with the text model")
  .description(
    "develop a series bible: the text model writes each episode's scene cards from its synopsis, in order, and the developed manifest (the bible's own fields kept) is written out to read, edit and produce",
  )
  .argument('<bible>', 'the series bible (YAML): episodes with a synopsis instead of scenes')
  .option('--out <file>', 'where the developed manifest is written (default: stdout)')
  .addOption(profileFlag())
  .option(...dataOptionFlags)
  .action(developCommand);
program
  .command('estimate')
  .description(
    'the expected cost per stage and model, and what the production already spent (confirmed and unconfirmed)',
  )
  .argument(...manifestArgument)
  .addOption(profileFlag())
  .option(...dataOptionFlags)
  .action(estimate);
program
  .command('validate')
  .description('check a manifest: exit 0 when valid, one `path: reason` line per problem')
  .argument(...manifestArgument)
  .action(validate);
program
  .command('rerender')
  .description('render one scene afresh and re-assemble its episode')
  .argument('<production>', 'the production id')
  .argument('<episode/scene>', 'the scene, as ep01/s03', scenePath)
  .option(...outOptionFlags)
  .option(...dataOptionFlags)
  .option(...continueDeployedFlags.deployed)
  .addOption(envFlag('with --deployed: the environment whose stack runs'))
  .option(...continueDeployedFlags.cdkOut)
  .action(rerenderCommand);
program
  .command('dub')
  .description(
    "dub a finished production into other languages over the master's pictures: <episode>.<lang>.mp4 and its subtitles",
  )
  .argument('<production>', 'the production id')
  .requiredOption('--to <languages>', 'the languages, separated by commas, as in th-TH,ko-KR', languageList)
  .option(...outOptionFlags)
  .option(...dataOptionFlags)
  .option(...continueDeployedFlags.deployed)
  .addOption(envFlag('with --deployed: the environment whose stack runs'))
  .option(...continueDeployedFlags.cdkOut)
  .action(dubCommand);
program
  .command('redrive')
  .summary('move the video dead letters back to their queue')
  .description(
    "move the video dead letters back to their queue: this machine's, or with --queue-arn a deployed environment's (AWS credentials as usual)",
  )
  .option(...dataOptionFlags)
  .option('--queue-arn <arn>', "a deployed environment's video dead-letter queue")
  .option('--destination-arn <arn>', 'the queue to move them to (default: the queue they came from)')
  .option('--region <region>', "the queue's region (default: the one in its ARN)")
  .action(redriveCommand);

const reviewTargetFlags = {
  table: [
    '--table <name>',
    "a deployed environment's production table (the stack's TableName output): decide there and answer the waiting execution with SendTaskSuccess",
  ],
  region: ['--region <region>', "the deployed table's region (default: the SDK's)"],
} as const;
program
  .command('approve')
  .description(
    'approve the cut a production waits with (the animatic, or the finished cut): it goes on, reusing everything already bought',
  )
  .argument('<production>', 'the production id')
  .option('--notes <text>', 'notes for the report')
  .option(...outOptionFlags)
  .option(...dataOptionFlags)
  .option(...reviewTargetFlags.table)
  .option(...reviewTargetFlags.region)
  .option(...continueDeployedFlags.deployed)
  .addOption(envFlag('with --deployed: the environment whose stack runs'))
  .option(...continueDeployedFlags.cdkOut)
  .action((productionId: string, options: ReviewCommandOptions) => reviewCommand('APPROVED', productionId, options));
program
  .command('reject')
  .description(
    'reject the cut a production waits with: it ends REJECTED, with the notes in report.json, and spends nothing more',
  )
  .argument('<production>', 'the production id')
  .requiredOption('--notes <text>', 'why, for the report')
  .option(...outOptionFlags)
  .option(...dataOptionFlags)
  .option(...reviewTargetFlags.table)
  .option(...reviewTargetFlags.region)
  .option(...continueDeployedFlags.deployed)
  .addOption(envFlag('with --deployed: the environment whose stack runs'))
  .option(...continueDeployedFlags.cdkOut)
  .action((productionId: string, options: ReviewCommandOptions) => reviewCommand('REJECTED', productionId, options));

program
  .command('preflight')
  .summary('before a deploy: what would fail in this AWS account and Region')
  .description(
    "check this account and Region before a deploy or a season: Lambda's concurrency and memory quotas against the environment, each Bedrock model the bedrock profile routes to (access, lifecycle, Region, inference profile), the Service Quota on concurrent video jobs, the CDK bootstrap version and the provider secret. One line a check; exits 1 when any would fail. AWS credentials as the SDK finds them",
  )
  .addOption(
    new Option('--env <env>', 'the environment to check against').choices(ENVIRONMENT_NAMES).makeOptionMandatory(),
  )
  .option('--region <region>', "the Region to deploy to (default: the environment's, else AWS_REGION)")
  .option('--secret <arn>', "the stack's ProviderSecretArn output, to check the provider secret once deployed")
  .action(preflightCommand);

program
  .command('studio')
  .description(
    'run the engines as one long-lived local AWS endpoint (S3, SQS, DynamoDB, Step Functions) with a web console',
  )
  .option(...dataOptionFlags)
  .option('--port <port>', 'the endpoint port (0 picks a free one)', '4566')
  .option('--host <address>', 'the address to listen on; anything but 127.0.0.1 exposes the studio to the network')
  .option(
    '--deployed',
    "run every function as Lambda runs it, from the cloud assembly, each in its sandbox; they reach AWS through the studio's endpoint (linux-x64, as root)",
  )
  .addOption(envFlag('with --deployed: the environment whose stack is synthesized'))
  .option(
    '--cdk-out <dir>',
    'with --deployed: an assembly already synthesized (cdk synth --output), instead of synthesizing one',
  )
  .action(studioCommand);

program
  .command('mcp')
  .summary('serve the studio to an AI agent: a Model Context Protocol server on stdio')
  .description(
    "serve the studio to an AI agent over the Model Context Protocol (stdio): validate, develop, estimate, produce and follow productions, with the budget caps and the review gate as for a person. It runs a studio on the data directory (its console's address is logged to stderr), or works through the studio that owns it",
  )
  .option(...dataOptionFlags)
  .option(...outOptionFlags)
  .addOption(profileFlag())
  .option('--allow-approve', 'let the agent approve and reject reviews itself; without it, a person decides')
  .action(mcpCommand);

/** The one line a command that threw ends with. */
function lastWord(error: unknown): string {
  // A data directory another process owns is said in its own words: the line names the owner and what to do.
  if ((error as Error).name === 'DataDirectoryInUse') return (error as Error).message;
  const { syscall, path: file } = error as NodeJS.ErrnoException;
  // A file the command could not read or write (the data directory, --out): the file, and what happened in words.
  if (syscall && file) return `dramaforge ${program.args[0]}: ${file}: ${fileProblem(error)}`;
  return `dramaforge ${program.args[0]}: ${(error as Error).message}`;
}

program.parseAsync().then(
  () => process.exit(0),
  (error: unknown) => fail(lastWord(error)),
);
