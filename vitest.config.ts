import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    // Limits that only catch a hang: no test may fail because the machine is slow or busy.
    testTimeout: 10 * 60_000,
    hookTimeout: 10 * 60_000,
    // Builds dist/ (the CLI the end-to-end tests run as a subprocess) so it is never stale.
    globalSetup: ['./test-support/global-setup.ts'],
    // vitest's own results, read by .ci/run for its closing "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/results.json' },
  },
});
