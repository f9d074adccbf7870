import { defineConfig } from 'vitest/config';

// Browser and other end-to-end tests: slower, run by `npm run test:e2e`, not by `npm test`.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
