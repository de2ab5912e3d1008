import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['browser/**/*.test.ts'],
    // One browser at a time: the timings the tests rely on (flush intervals, backoff)
    // stay far from their limits when files do not compete for the CPU.
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
