import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ManifestInvalid } from '../lambdas/core/errors.js';
import type { ProfileOverride } from '../local/profile-override.js';
import type { RunResult } from '../local/production-run.js';

// Each command imports what it needs when it runs: `--help` loads no package, `validate` only the manifest
// parser (yaml, zod), and neither pays for the AWS SDK, the embedded engines or canvas.

// dramaforge supports Node 20, the version studio machines and this project's CI run; the SDK's upgrade
// notice is noise here. No static import above loads the SDK, so this is set before any command does.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `usage:
  dramaforge --help | --version
  dramaforge produce <manifest> [--out DIR] [--data DIR] [--profile P]   produce a series on this machine (default --out ./out)
  dramaforge estimate <manifest> [--profile P]                           the expected cost before anything is spent
  dramaforge validate <manifest>                                         check a manifest; one line per problem
  dramaforge rerender <production> <episode>/<scene> [--out DIR] [--data DIR]   render one scene afresh and re-assemble its episode
  dramaforge redrive [--data DIR]                                        move the local video dead letters back to the video queue
  dramaforge redrive --queue-arn <DLQ ARN> [--destination-arn ARN] [--region REGION]   the same for a deployed environment (AWS credentials as usual)`;

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

async function readManifestFile(file: string | undefined): Promise<Buffer> {
  if (!file) fail(USAGE, 2);
  try {
    return await readFile(file);
  } catch (error) {
    fail(`${file}: cannot read the manifest (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

async function validate(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true });
  const file = positionals[0];
  const bytes = await readManifestFile(file);
  const { parseManifest } = await import('../lambdas/core/manifest/parse.js');
  try {
    const manifest = parseManifest(bytes);
    const scenes = manifest.episodes.reduce((sum, e) => sum + e.scenes.length, 0);
    process.stdout.write(`${file}: valid (${manifest.production}: ${manifest.episodes.length} episodes, ${scenes} scenes)\n`);
  } catch (error) {
    if (error instanceof ManifestInvalid) fail(error.problems.map((p) => `${p.path}: ${p.reason}`).join('\n'));
    throw error;
  }
}

const RUN_OPTIONS = { out: { type: 'string', default: 'out' }, data: { type: 'string', default: '.dramaforge' } } as const;

/** Progress on one rewritten line at a terminal; in a log (CI), a line when it changes, at most every 5 s. */
function progressPrinter() {
  const interactive = process.stderr.isTTY;
  let lastPrinted = 0;
  let lastLine = '';
  return {
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

function reportOutcome(command: string, result: RunResult): void {
  if (result.problems) fail(result.problems.map((p) => `${p.path}: ${p.reason}`).join('\n'));
  if (result.reused) process.stdout.write(`this manifest was already produced by execution ${result.executionName}; outputs refreshed\n`);
  if (result.outputDir && result.report) {
    process.stdout.write(
      `${result.report.status}: ${result.outputDir} (${result.report.episodes.filter((e) => e.file).length} episodes, spent $${result.report.cost.totalUsd.toFixed(4)})\n`,
    );
  }
  if (!result.ok) fail(`${command} failed: ${result.reason}`);
}

async function produceCommand(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { ...RUN_OPTIONS, profile: { type: 'string' } } });
  const file = positionals[0];
  await readManifestFile(file);
  const profile = await profileOption(values.profile);
  const { produce } = await import('../local/produce.js');
  const progress = progressPrinter();
  const result = await produce({
    manifestPath: file!,
    profile,
    outDir: path.resolve(values.out),
    dataDir: path.resolve(values.data),
    onProgress: progress.onProgress,
  });
  progress.done();
  reportOutcome('produce', result);
}

async function profileOption(value: string | undefined): Promise<ProfileOverride | undefined> {
  const { parseProfileOverride } = await import('../local/profile-override.js');
  try {
    return parseProfileOverride(value);
  } catch (error) {
    fail((error as Error).message, 2);
  }
}

async function estimate(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { profile: { type: 'string' } } });
  const file = positionals[0];
  const bytes = await readManifestFile(file);
  const profile = await profileOption(values.profile);
  const [{ parseManifest }, { withProfile }, { estimateProduction, formatEstimate }] = await Promise.all([
    import('../lambdas/core/manifest/parse.js'),
    import('../local/profile-override.js'),
    import('../lambdas/composition/production-estimate.js'),
  ]);
  try {
    const manifest = parseManifest(profile ? withProfile(bytes, profile) : bytes);
    process.stdout.write(`${formatEstimate(estimateProduction(manifest, process.env, Number(process.env.KEYFRAME_MAX_ATTEMPTS ?? 3)))}\n`);
  } catch (error) {
    if (error instanceof ManifestInvalid) fail(error.problems.map((p) => `${p.path}: ${p.reason}`).join('\n'));
    throw error;
  }
}

async function rerenderCommand(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: RUN_OPTIONS });
  const [productionId, scenePath] = positionals;
  const [episodeId, sceneId] = scenePath?.split('/') ?? [];
  if (!productionId || !episodeId || !sceneId) fail(USAGE, 2);
  const { RerenderRefused, rerender } = await import('../local/rerender.js');
  const progress = progressPrinter();
  try {
    const result = await rerender({
      productionId,
      episodeId,
      sceneId,
      outDir: path.resolve(values.out),
      dataDir: path.resolve(values.data),
      onProgress: progress.onProgress,
    });
    progress.done();
    reportOutcome('rerender', result);
  } catch (error) {
    if (error instanceof RerenderRefused) fail(error.message);
    throw error;
  }
}

async function redriveCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { data: { type: 'string', default: '.dramaforge' }, 'queue-arn': { type: 'string' }, 'destination-arn': { type: 'string' }, region: { type: 'string' } },
  });
  const deadLetterQueueArn = values['queue-arn'];
  if (deadLetterQueueArn) {
    const region = values.region ?? deadLetterQueueArn.split(':')[3];
    const [{ SQSClient }, { redriveDeadLetters }] = await Promise.all([import('@aws-sdk/client-sqs'), import('../local/dead-letters.js')]);
    const moved = await redriveDeadLetters(new SQSClient({ region }), deadLetterQueueArn, values['destination-arn']);
    process.stdout.write(`moved ${moved} messages from ${deadLetterQueueArn} back to their queue\n`);
    return;
  }
  const { redriveLocal } = await import('../local/redrive.js');
  const { moved, returned } = await redriveLocal(path.resolve(values.data));
  process.stdout.write(`moved ${moved} messages back to the video queue; ${returned} failed again and are back in the dead-letter queue\n`);
}

/** From the source tree, and from dist/ where the build copies package.json, this is the package's own manifest. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

const [command, ...rest] = process.argv.slice(2);
if (command === '--help' || command === '-h') {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (command === '--version' || command === '-v') {
  process.stdout.write(`${packageVersion()}\n`);
  process.exit(0);
}
const commands: Record<string, (args: string[]) => Promise<void>> = { validate, estimate, produce: produceCommand, rerender: rerenderCommand, redrive: redriveCommand };
const run = command ? commands[command] : undefined;
if (!run) fail(USAGE, 2);
run(rest).then(
  () => process.exit(0),
  (error: unknown) => fail(`dramaforge ${command}: ${(error as Error).message}`),
);
