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
    // upstream-faults runs its eleven fault cases at once: each mostly waits out a window of
    // polls, so the default of five at a time made the file three windows long instead of one.
    maxConcurrency: 12,
    // A CPU-bound test (the differential ones) runs several times slower on a busy shared machine.
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
