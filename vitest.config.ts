import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * A unit test that runs a minute is stuck. An end-to-end test makes a whole small production in child
 * processes (tsx, ffmpeg, espeak, the embedded engines): 10 to 50 s alone, and its wall time grows with
 * whatever else the two cores run, twice that beside a second suite. Its bound is the longest such a
 * production takes on a busy machine of this kind before it counts as hung, and the bound its own waits
 * and child processes were already given; under the unit tests' minute they never got to fire.
 */
const UNIT_TEST_BOUND_MS = 60_000;
const PRODUCTION_TEST_BOUND_MS = 240_000;

export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest runs one file fewer than the cores at once: a single file on this 2-core machine. Most of a file's time
    // is its child processes (tsx, ffmpeg, espeak) and the embedded engines waiting on each other, so one file per
    // core keeps both busy; measured, npm test took 313 s that way against 483 s with one file at a time.
    maxWorkers: availableParallelism(),
    // The SDK's notice that it will need Node 22 next year; this project targets Node 20 today.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.slow.test.ts', 'test/e2e/**', 'node_modules/**'],
          testTimeout: UNIT_TEST_BOUND_MS,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          exclude: ['test/**/*.slow.test.ts', 'node_modules/**'],
          testTimeout: PRODUCTION_TEST_BOUND_MS,
        },
      },
    ],
  },
});
