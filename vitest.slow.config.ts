import { defineConfig } from 'vitest/config';

/** The suites too slow for `npm test`: full productions (the examples, every language, a bible), the review gate and re-runs. */
export default defineConfig({
  test: {
    include: ['test/**/*.slow.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The SDK's notice that it will need Node 22 next year; this project targets Node 20 today.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
