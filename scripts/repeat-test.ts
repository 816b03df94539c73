/**
 * Runs test files (or vitest filters) N times, each run a fresh vitest process, and
 * reports which tests failed in which runs with their first error line: a flake shows as a
 * test that fails in some runs and not others.
 *
 *   npm run test:repeat -- test/e2e/priority.slow.test.ts [more files] --times 10 [--slow] [--parallel 2]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';

interface JsonReport {
  testResults: {
    name: string;
    assertionResults: { fullName: string; status: string; failureMessages: string[] }[];
    message?: string;
  }[];
}

interface RunOutcome {
  run: number;
  seconds: number;
  failures: { test: string; message: string }[];
  /** Vitest failed without a report (a crash, a syntax error): its output's tail. */
  crashed?: string;
}

const positiveInteger = (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('a positive integer');
  return parsed;
};

async function runOnce(
  run: number,
  targets: string[],
  config: string | undefined,
  reportDir: string,
): Promise<RunOutcome> {
  const reportFile = path.join(reportDir, `run-${run}.json`);
  const args = [
    'vitest',
    'run',
    ...targets,
    '--reporter=json',
    `--outputFile=${reportFile}`,
    ...(config ? ['--config', config] : []),
  ];
  const started = Date.now();
  const output: string[] = [];
  const code = await new Promise<number>((resolve) => {
    const child = spawn('npx', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('close', (exit) => resolve(exit ?? 1));
  });
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  const report = await readFile(reportFile, 'utf8').then(
    (text) => JSON.parse(text) as JsonReport,
    () => undefined,
  );
  if (!report) return { run, seconds, failures: [], crashed: output.join('').slice(-2000) };
  const failures = report.testResults.flatMap((file) => {
    const failed = file.assertionResults
      .filter((test) => test.status === 'failed')
      .map((test) => ({ test: test.fullName, message: (test.failureMessages[0] ?? '').split('\n')[0]! }));
    return failed.length === 0 && file.message
      ? [{ test: path.relative(process.cwd(), file.name), message: file.message.split('\n')[0]! }]
      : failed;
  });
  if (code !== 0 && failures.length === 0) return { run, seconds, failures, crashed: output.join('').slice(-2000) };
  return { run, seconds, failures };
}

const program = new Command('repeat-test')
  .description('run test files N times in fresh vitest processes and report their failures')
  .argument('<targets...>', 'test files, or any filters vitest accepts')
  .option('--times <n>', 'how many runs', positiveInteger, 5)
  .option('--parallel <n>', 'runs at once (2 loads both cores of this machine)', positiveInteger, 1)
  .option('--slow', "use the slow suites' config (vitest.slow.config.ts)")
  .action(async (targets: string[], options: { times: number; parallel: number; slow?: boolean }) => {
    const reportDir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-repeat-'));
    const outcomes: RunOutcome[] = [];
    let next = 1;
    const worker = async () => {
      while (next <= options.times) {
        const run = next++;
        const outcome = await runOnce(run, targets, options.slow ? 'vitest.slow.config.ts' : undefined, reportDir);
        outcomes.push(outcome);
        const verdict = outcome.crashed
          ? 'crashed'
          : outcome.failures.length > 0
            ? `${outcome.failures.length} failed`
            : 'passed';
        console.log(`run ${run}/${options.times}: ${verdict} in ${outcome.seconds} s`);
        for (const failure of outcome.failures) console.log(`  ${failure.test}\n    ${failure.message}`);
        if (outcome.crashed) console.log(outcome.crashed);
      }
    };
    await Promise.all(Array.from({ length: options.parallel }, worker));
    await rm(reportDir, { recursive: true, force: true });
    const failedRuns = outcomes.filter((outcome) => outcome.crashed || outcome.failures.length > 0).length;
    const byTest = new Map<string, number>();
    for (const failure of outcomes.flatMap((outcome) => outcome.failures))
      byTest.set(failure.test, (byTest.get(failure.test) ?? 0) + 1);
    console.log(`\n${targets.join(' ')}: ${options.times - failedRuns} of ${options.times} runs passed`);
    for (const [test, count] of byTest) console.log(`  failed ${count}x: ${test}`);
    process.exitCode = failedRuns > 0 ? 1 : 0;
  });

await program.parseAsync();
