import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { median } from './figures.js';

const run = promisify(execFile);

export interface CliStartupResult {
  /** The CLI command timed, as a user types it from the repository root. */
  command: string;
  runs: number;
  /** Median wall time of the command, process start to exit. */
  cliMs: number;
  /** Median wall time of `node -e 0`: what any Node process costs on this machine. */
  bareNodeMs: number;
  cliOverBareNode: number;
}

async function wallMs(args: string[], cwd: string): Promise<number> {
  const start = performance.now();
  await run(process.execPath, args, { cwd });
  return performance.now() - start;
}

/**
 * `node bin/dramaforge.js validate <manifest>` against a bare `node -e 0`, each in a fresh process,
 * alternated so a busy moment on the machine falls on both. It builds dist/ first: the bin runs the
 * compiled CLI, and a stale build would time code that is no longer there.
 */
export async function measureCliStartup(options: {
  repositoryRoot: string;
  manifest: string;
  runs: number;
}): Promise<CliStartupResult> {
  const { repositoryRoot: cwd } = options;
  await run(process.execPath, ['--import', 'tsx', path.join(cwd, 'scripts', 'build.ts')], { cwd });
  const cliArgs = [path.join('bin', 'dramaforge.js'), 'validate', path.relative(cwd, options.manifest)];
  // One untimed run of each, so the first timed one does not pay for a cold file cache.
  await wallMs(cliArgs, cwd);
  await wallMs(['-e', '0'], cwd);
  const cli: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    cli.push(await wallMs(cliArgs, cwd));
    bare.push(await wallMs(['-e', '0'], cwd));
  }
  const cliMs = median(cli);
  const bareNodeMs = median(bare);
  return {
    command: `node ${cliArgs.join(' ')}`,
    runs: options.runs,
    cliMs,
    bareNodeMs,
    cliOverBareNode: cliMs / bareNodeMs,
  };
}
