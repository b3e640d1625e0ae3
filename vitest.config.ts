import { defineConfig } from 'vitest/config';

// Engine tests start real engine processes and real files; give them room on a 2-core machine.
export default defineConfig({
  test: {
    include: ['engine/**/*.test.ts', 'operator/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
