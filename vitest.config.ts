import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The README's examples import the package by name, as a user's tests do: that is the built library.
    alias: { 'scandocs-webhooks': fileURLToPath(new URL('./dist/index.js', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/helpers/plain-summary-reporter.ts'],
    // End-to-end tests spawn the real CLI and real servers; give them room on a 2-core CI machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
