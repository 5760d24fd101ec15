import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Some tests spawn the built CLI; give them room on a 2-core CI machine.
    testTimeout: 30_000,
    // Set-up hooks open PGlite ledgers (WASM PostgreSQL plus migrations): seconds on a loaded 2-core
    // machine, and the 10 s default once timed a whole file out before any test ran.
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
