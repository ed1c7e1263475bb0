import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (logic only, in-memory adapters, no services) and `integration` (`*.int.test.ts`, against the
 * real local twin that infra/local/test-support/global-setup.ts starts on free ports and stops afterwards).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**', '**/cdk.out/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ['**/node_modules/**', '**/cdk.out/**'],
          environment: 'node',
          globalSetup: ['infra/local/test-support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 240_000,
          // Tests share one twin; each uses its own tenant/queue/table keys, so files may run in parallel.
          fileParallelism: true,
        },
      },
    ],
  },
});
