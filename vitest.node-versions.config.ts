// What CI (.ci/run) runs again on each further Node version it tests (22 and 24): every test of the client, of the
// built and packed package, of the examples and of the maintainer's scripts. Left out are the tests whose outcome
// does not depend on the Node version that runs them: the facts of the spec, the browser and other runtimes (they
// run the package in Chromium, Bun and Deno), the benchmarks' smoke run and the type-level tests.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        'test/spec.test.ts',
        'test/wire-names.test.ts',
        'test/docs-site*.test.ts',
        'test/browser-runtime.test.ts',
        'test/other-runtimes.test.ts',
        'test/bench-smoke.test.ts',
        '**/node_modules/**',
      ],
      typecheck: { enabled: false },
    },
  }),
);
