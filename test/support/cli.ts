import { fileURLToPath } from 'node:url';

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
