import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cliArguments } from '../../support/cli.js';

const run = promisify(execFile);
const COMMANDS = ['produce', 'develop', 'estimate', 'validate', 'rerender', 'dub', 'redrive', 'approve', 'reject', 'preflight', 'studio', 'mcp'];

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
    expect(result.stdout).toMatch(new RegExp(`^Usage: dramaforge ${command} [^\n]*\n\n[a-z][^\n]*\n(?:[^\n]+\n)*\n(?:Arguments|Options):\n`));
    expect(result.stdout).toMatch(/^ {2}-h, --help /m);
  });

  it.each(['--version', '-v'])('%s prints the package version and exits 0', async (flag) => {
    // Prepare
    const { version } = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

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
});
