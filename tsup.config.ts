// Builds the published package into dist/: ESM (.js) and CJS (.cjs) with matching .d.ts/.d.cts, so both
// `import` and `require` users get types that describe the module format they load.
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    // Types only (paths, components, operations) for users who want the typed openapi-fetch client alone.
    paths: 'src/paths.ts',
    // The batching ingester, apart so that apps which never use it do not carry it.
    ingester: 'src/ingester/index.ts',
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
  // Both entries share one copy of what they have in common, so the ingester's errors are the client's classes.
  splitting: true,
  treeshake: true,
});
