import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ManifestInvalid } from '../lambdas/shared/errors.js';
import { parseManifest } from '../lambdas/shared/manifest/parse.js';
import { produce } from '../local/produce.js';

const USAGE = `usage:
  dramaforge produce <manifest> [--out DIR] [--data DIR]   produce a series on this machine (default --out ./out)
  dramaforge validate <manifest>                           check a manifest; one line per problem`;

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
  try {
    const manifest = parseManifest(bytes);
    const scenes = manifest.episodes.reduce((sum, e) => sum + e.scenes.length, 0);
    process.stdout.write(`${file}: valid (${manifest.production}: ${manifest.episodes.length} episodes, ${scenes} scenes)\n`);
  } catch (error) {
    if (error instanceof ManifestInvalid) fail(error.problems.map((p) => `${p.path}: ${p.reason}`).join('\n'));
    throw error;
  }
}

async function produceCommand(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string', default: 'out' }, data: { type: 'string', default: '.dramaforge' } },
  });
  const file = positionals[0];
  await readManifestFile(file);
  const interactive = process.stderr.isTTY;
  let lastPrinted = 0;
  let lastLine = '';
  const result = await produce({
    manifestPath: file!,
    outDir: path.resolve(values.out),
    dataDir: path.resolve(values.data),
    onProgress: (line) => {
      if (interactive) {
        process.stderr.write(`\r\x1b[2K${line}`);
      } else if (line !== lastLine && Date.now() - lastPrinted > 5000) {
        process.stderr.write(`${line}\n`);
        lastPrinted = Date.now();
      }
      lastLine = line;
    },
  });
  if (interactive) process.stderr.write('\n');
  if (result.problems) fail(result.problems.map((p) => `${p.path}: ${p.reason}`).join('\n'));
  if (result.reused) process.stdout.write(`this manifest was already produced by execution ${result.executionName}; outputs refreshed\n`);
  if (result.outputDir && result.report) {
    process.stdout.write(
      `${result.report.status}: ${result.outputDir} (${result.report.episodes.filter((e) => e.file).length} episodes, spent $${result.report.cost.totalUsd.toFixed(4)})\n`,
    );
  }
  if (!result.ok) fail(`produce failed: ${result.reason}`);
}

const [command, ...rest] = process.argv.slice(2);
const commands: Record<string, (args: string[]) => Promise<void>> = { validate, produce: produceCommand };
const run = command ? commands[command] : undefined;
if (!run) fail(USAGE, 2);
run(rest).then(
  () => process.exit(0),
  (error: unknown) => fail(`dramaforge ${command}: ${(error as Error).message}`),
);
