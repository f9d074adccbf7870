import { defineConfig } from 'vitest/config';

// End-to-end tests boot real PostgreSQL, unleash-server and Chromium, so they
// get generous timeouts and run one file at a time on small CI machines.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    teardownTimeout: 60_000,
    fileParallelism: false,
  },
});
