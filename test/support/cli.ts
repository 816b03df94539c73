import { fileURLToPath } from 'node:url';

/** The CLI's TypeScript source. bin/dramaforge.js runs the compiled dist/, which may be older than the sources under test. */
export const CLI_SOURCE = fileURLToPath(new URL('../../bin/dramaforge.ts', import.meta.url));

/** `node` arguments that run the CLI from its source, as the tests run every other module. */
export function cliArguments(...args: string[]): string[] {
  return ['--import', 'tsx', CLI_SOURCE, ...args];
}
