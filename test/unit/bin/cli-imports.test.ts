import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_SOURCE } from '../../support/cli.js';

const run = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));

let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-cli-imports-'));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** Every ES module URL one CLI run resolves, recorded by a resolve hook registered after tsx's. */
async function modulesLoadedBy(...args: string[]): Promise<string[]> {
  const log = path.join(workDir, `${args[0]}.log`);
  const hooks = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, resolved.url + '\\n');
  return resolved;
}`;
  const recorder = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
  await run(
    process.execPath,
    ['--import', 'tsx', '--import', `data:text/javascript,${encodeURIComponent(recorder)}`, CLI_SOURCE, ...args],
    { cwd: repositoryRoot },
  );
  return [...new Set((await readFile(log, 'utf8')).split('\n').filter(Boolean))];
}

const packageOf = (url: string) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
/** The project's own modules among them, as paths from the repository root. */
const ownModules = (urls: string[]) =>
  urls
    .filter((url) => url.startsWith(pathToFileURL(repositoryRoot).href) && !packageOf(url))
    .map((url) => path.relative(repositoryRoot, fileURLToPath(url)));
/** Neither the CLI itself, the domain core (the manifest parser, the error types), nor the environments' names its `--help` lists. */
const CLI_AND_CORE = [path.join('bin', 'dramaforge.ts'), path.join('lib', 'config', 'environment-config.ts')];
const beyondCliAndCore = (files: string[]) =>
  files.filter((file) => !CLI_AND_CORE.includes(file) && !file.startsWith(path.join('lambdas', 'core') + path.sep));

describe('the CLI loads only what the command needs', () => {
  it('validate loads the manifest parser, its two packages and commander, nothing of the runtime, the SDK or canvas', async () => {
    const loaded = await modulesLoadedBy('validate', path.join(repositoryRoot, 'examples', 'tet-homecoming.yaml'));
    expect(new Set(loaded.map(packageOf).filter(Boolean))).toEqual(new Set(['commander', 'yaml', 'zod']));
    expect(ownModules(loaded)).toContain(path.join('lambdas', 'core', 'manifest', 'parse.ts'));
    expect(beyondCliAndCore(ownModules(loaded))).toEqual([]);
  });

  it.each(['--help', 'produce --help'])('%s loads commander only, not the manifest parser', async (commandLine) => {
    const loaded = await modulesLoadedBy(...commandLine.split(' '));
    expect(new Set(loaded.map(packageOf).filter(Boolean))).toEqual(new Set(['commander']));
    expect(ownModules(loaded)).not.toContain(path.join('lambdas', 'core', 'manifest', 'parse.ts'));
    expect(beyondCliAndCore(ownModules(loaded))).toEqual([]);
  });
});
