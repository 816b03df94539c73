import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { cliArguments } from '../../support/cli.js';

const run = promisify(execFile);
const COMMANDS = [
  'produce',
  'develop',
  'estimate',
  'validate',
  'rerender',
  'dub',
  'redrive',
  'approve',
  'reject',
  'preflight',
  'studio',
  'mcp',
];

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function dramaforge(...args: string[]): Promise<CliRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, cliArguments(...args));
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as CliRun;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The descriptions in the help's `Commands:` section, by command name. */
function commandListing(help: string): Map<string, string> {
  const section = help.split(/^Commands:\n/m)[1] ?? '';
  return new Map(
    section
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [usage = '', description = ''] = line.trim().split(/\s{2,}/);
        return [usage.split(' ')[0]!, description] as const;
      }),
  );
}

describe('dramaforge usage', () => {
  it('--help exits 0 and lists every command with a description', async () => {
    // Prepare
    const args = ['--help'];

    // Act
    const result = await dramaforge(...args);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const listing = commandListing(result.stdout);
    expect([...listing.keys()]).toEqual(COMMANDS);
    for (const [command, description] of listing) expect(description, command).toMatch(/^[a-z]+ \w+/);
  });

  it.each(COMMANDS)('%s --help exits 0 with the usage and the description of that command', async (command) => {
    // Prepare
    const args = [command, '--help'];

    // Act
    const result = await dramaforge(...args);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    // The usage line, a blank line, the description (lower case, maybe wrapped), then the arguments or options
    expect(result.stdout).toMatch(
      new RegExp(`^Usage: dramaforge ${command} [^\n]*\n\n[a-z][^\n]*\n(?:[^\n]+\n)*\n(?:Arguments|Options):\n`),
    );
    expect(result.stdout).toMatch(/^ {2}-h, --help /m);
  });

  it.each(['--version', '-v'])('%s prints the package version and exits 0', async (flag) => {
    // Prepare
    const { version } = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };

    // Act
    const result = await dramaforge(flag);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
  });

  it('an unknown command exits 2 with one line on stderr naming it', async () => {
    // Prepare: close enough to validate that commander suggests it, on a line of its own unless joined
    const args = ['validat', 'examples/tet-homecoming.yaml'];

    // Act
    const result = await dramaforge(...args);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^dramaforge: error: unknown command 'validat' \(Did you mean validate\?\)\n$/);
  });

  it('an unknown option exits 2 with one line on stderr naming it', async () => {
    // Prepare
    const args = ['produce', 'examples/tet-homecoming.yaml', '--ot', 'elsewhere'];

    // Act
    const result = await dramaforge(...args);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^dramaforge: error: unknown option '--ot'[^\n]*\n$/);
  });

  it('no command exits 2 with the help on stderr', async () => {
    // Prepare
    const args: string[] = [];

    // Act
    const result = await dramaforge(...args);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect([...commandListing(result.stderr).keys()]).toEqual(COMMANDS);
  });

  it('a scene that is not <episode>/<scene> exits 2 with one line on stderr', async () => {
    // Prepare
    const args = ['rerender', 'tet-homecoming', 'ep01'];

    // Act
    const result = await dramaforge(...args);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^dramaforge: error: [^\n]*'ep01'[^\n]*<episode>\/<scene>[^\n]*\n$/);
  });

  it('dub without --to exits 2 naming the option', async () => {
    // Act
    const result = await dramaforge('dub', 'tet-homecoming');

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--to <languages>/);
  });

  it.each([
    ['produce', '--profile', ['offline', 'openai-compatible', 'bedrock']],
    ['estimate', '--profile', ['offline', 'openai-compatible', 'bedrock']],
    ['produce', '--env', ['dev', 'staging', 'prod']],
    ['studio', '--env', ['dev', 'staging', 'prod']],
    ['preflight', '--env', ['dev', 'staging', 'prod']],
  ] as const)('%s --help lists the choices of %s', async (command, option, choices) => {
    // Prepare
    const args = [command, '--help'];

    // Act
    const result = await dramaforge(...args);

    // Assess: commander wraps the description; the choices follow the option's text
    expect(result.code, result.stderr).toBe(0);
    const described = result.stdout
      .split(/\n(?= {2}-)/)
      .find((entry) => entry.trimStart().startsWith(option))
      ?.replace(/\s+/g, ' ');
    expect(described).toContain(`(choices: ${choices.map((choice) => `"${choice}"`).join(', ')}`);
  });

  it('a manifest that is not there, or a data directory that cannot be made, exits 1 with one line in words, no error code', async () => {
    // Prepare
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-cli-usage-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const missing = path.join(dir, 'missing.yaml');
    const aFile = path.join(dir, 'a-file');
    await writeFile(aFile, '');
    const manifest = fileURLToPath(new URL('../../e2e/fixtures/two-scenes.yaml', import.meta.url));

    // Act
    const results = await Promise.all([
      dramaforge('validate', missing),
      dramaforge('produce', missing),
      dramaforge('validate', dir),
      dramaforge('produce', manifest, '--data', path.join(aFile, 'data'), '--out', path.join(dir, 'out')),
    ]);

    // Assess
    expect(results.map((result) => result.code)).toEqual([1, 1, 1, 1]);
    expect(results[3]!.stderr).toBe(
      `dramaforge produce: ${path.join(aFile, 'data')}: part of its path is a file, not a folder\n`,
    );
    expect(results[0]!.stderr).toBe(`${missing}: cannot read the manifest: there is no such file\n`);
    expect(results[1]!.stderr).toBe(results[0]!.stderr);
    expect(results[2]!.stderr).toBe(`${dir}: cannot read the manifest: it is a folder, not a file\n`);
  });

  it('a manifest with broken YAML fails validation with one line naming the line and column and quoting it', async () => {
    // Prepare
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-cli-usage-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const broken = path.join(dir, 'broken.yaml');
    await writeFile(broken, 'production: broken\ntitle: "Unclosed\nlanguage: vi-VN\n');

    // Act
    const result = await dramaforge('validate', broken);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('(line 2, column 8): Missing closing "quote, in: title: "Unclosed\n');
  });

  it('validate refuses native voice on a profile whose video model renders no dialogue, naming the model', async () => {
    // Prepare
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-cli-usage-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const example = await readFile(
      fileURLToPath(new URL('../../../examples/tet-homecoming.yaml', import.meta.url)),
      'utf8',
    );
    const native = path.join(dir, 'native.yaml');
    await writeFile(native, `${example}\nvoice: { mode: native }\n`);

    // Act
    const result = await dramaforge('validate', native);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'voice.mode: native voice needs a video model that renders dialogue, and offline/camera-motion-v1 renders none (openai-compatible/sora-2 does)\n',
    );
  });
});
