import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * The suites too slow for `npm test`: every end-to-end file whose productions take more than about half a minute on
 * this machine (the examples in full, every language, a bible, the studio and its console, MCP, priorities, faults,
 * crashes, Ctrl-C, dubs, deployed mode). `npm test` keeps the unit, infra and the short end-to-end files, so it stays
 * well under ten minutes; CI runs both.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.slow.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One file per core, as vitest.config.ts says why: vitest's default is one fewer than the cores.
    maxWorkers: availableParallelism(),
    // The SDK's notice that it will need Node 22 next year; this project targets Node 20 today.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
