import { configDefaults, defineConfig } from 'vitest/config';

// Engine tests start real engine processes and real files; give them room on a 2-core machine.
// Two projects: `unit` (everything but test/cluster) and `cluster` (test/cluster, against a real
// kube-apiserver started once per run by test/harness/global-setup.ts; see test/harness/README.md).
// The cluster's globalSetup only runs when a cluster test is selected; the cluster project runs
// after the unit project.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['engine/**/*.test.ts', 'operator/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/cluster/**', 'test/chaos/**'],
        },
      },
      {
        extends: true,
        test: {
          // Crashes, corrupt dumps, API fuzzing, the auth matrix and load (test/chaos/scale.ts):
          // short counts in `npm test`, full counts with CHAOS_FULL=1 (`npm run test:chaos`, which
          // also runs the Kubernetes chaos files of the cluster project, test/cluster/chaos-*).
          name: 'chaos',
          include: ['test/chaos/**/*.test.ts'],
          // Last: its load and kill storms would disturb the timing-sensitive suites.
          sequence: { groupOrder: 2 },
          testTimeout: 1_800_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          globalSetup: ['test/harness/global-setup.ts'],
          // After the unit project, so timing-sensitive engine tests and the control plane don't
          // compete for the 2 cores.
          sequence: { groupOrder: 1 },
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
