import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/http/**/*.test.ts', 'test/conformance/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Most files wait on sockets, timers and child processes rather than compute: on a 2-core
    // machine vitest's default (cores - 1) would run them one at a time. Two at a time, and a
    // worker keeps the modules it imported for its next file (every file imports the app).
    maxWorkers: 2,
    isolate: false,
    // A CPU-bound test (the differential ones) runs several times slower on a busy shared machine.
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
