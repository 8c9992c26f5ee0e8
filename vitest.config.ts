import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Unit tests need nothing; the emulator project starts one ministack for all its files.
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // Projects with different maxWorkers need their own group (vitest 4): unit first.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'emulator',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          environment: 'node',
          // The CLI the tests run is built into a temporary directory, never into dist/.
          globalSetup: ['test/support/build-cli.mjs', 'test/support/globalSetup.mjs'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Files share one emulator; each uses its own stack name. Two workers fit a 2-core CI.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
