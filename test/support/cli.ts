import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FakeOpenAiServer } from './fake-openai-server.js';

/** The CLI's TypeScript source. bin/dramaforge.js runs the compiled dist/, which may be older than the sources under test. */
export const CLI_SOURCE = fileURLToPath(new URL('../../bin/dramaforge.ts', import.meta.url));

/** `node` arguments that run the CLI from its source, as the tests run every other module. */
export function cliArguments(...args: string[]): string[] {
  return ['--import', 'tsx', CLI_SOURCE, ...args];
}

/** `produce` of a manifest on the openai-compatible profile, with the run's own outputs and data directory. */
export function produceOnGatewayArguments(manifest: string, outDir: string, dataDir: string): string[] {
  return cliArguments('produce', manifest, '--profile', 'openai-compatible', '--out', outDir, '--data', dataDir);
}

const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `produce` on the openai-compatible profile against the gateway, run to its end as a producer runs it, with any
 * further variables; a production longer than an end-to-end test's bound is a hang.
 */
export function produceOnGateway(
  server: FakeOpenAiServer,
  run: { manifest: string; outDir: string; dataDir: string; env?: Record<string, string> },
) {
  return promisify(execFile)(process.execPath, produceOnGatewayArguments(run.manifest, run.outDir, run.dataDir), {
    cwd: REPOSITORY_ROOT,
    timeout: 240_000,
    env: { ...process.env, ...server.profileEnvironment, ...run.env },
  });
}
