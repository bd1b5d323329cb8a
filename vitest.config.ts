import { configDefaults, defineConfig } from 'vitest/config';

/** Runs every bench section (about a minute): `npm run test:bench-smoke` (vitest.bench-smoke.config.ts) and CI only. */
export const benchSmoke = 'test/bench-smoke.test.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, benchSmoke],
    globalSetup: ['test/support/prism-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
