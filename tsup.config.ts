// Builds the published package into dist/: ESM (.js) and CJS (.cjs) with matching .d.ts/.d.cts, so both
// `import` and `require` users get types that describe the module format they load.
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    // Types only (paths, components, operations) for users who want the typed openapi-fetch client alone.
    paths: 'src/paths.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  // The SDK uses only fetch, URL and Web Crypto, so one build serves Node, browsers and other runtimes.
  platform: 'neutral',
  target: 'es2022',
  // Dependencies (openapi-fetch) stay imports, so they are installed and deduplicated like any package.
  clean: true,
  // Unminified and without source maps: the output stays readable in a stack trace and the tarball small.
  minify: false,
  sourcemap: false,
  splitting: false,
  treeshake: true,
});
