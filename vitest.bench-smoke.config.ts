// The bench smoke test on its own (`npm run test:bench-smoke`; CI runs it after `npm test`): it runs every bench
// section once with tiny counts, which takes about a minute, so the default `vitest run` leaves it out.
import { defineConfig } from 'vitest/config';
import { benchSmoke } from './vitest.config.js';

export default defineConfig({
  test: {
    include: [benchSmoke],
    testTimeout: 330_000,
  },
});
