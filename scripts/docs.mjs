// `npm run docs`: builds the static API reference in build/docs/ from the spec in openapi/; the folder works opened
// from disk and served from any path (see scripts/lib/docs-site.mjs).
// The spec is bundled, every operation gets a TypeScript SDK sample derived from the same metadata as
// generated/operations.ts, Redocly renders the page, and the page is made to load only local files.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { bundleSpec, root } from './lib/pipeline.mjs';
import { sampleLabel, sdkGuide, withCodeSamples } from './lib/docs-samples.mjs';
import { buildDocs, localizeSite, redocOptions } from './lib/docs-site.mjs';

export const docsDir = join(root, 'build', 'docs');

export async function buildDocsSite({ dir = docsDir } = {}) {
  const started = performance.now();
  const bundle = await bundleSpec();
  const { document, samples, operations } = withCodeSamples(bundle);
  document.info.description = `${document.info.description ?? ''}${sdkGuide(operations, document['x-tagGroups'] ?? [])}`;

  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  // The spec with samples is a build artifact (also offered next to the page), never written to openapi/.
  const spec = join(dir, 'openapi.json');
  await writeFile(spec, `${JSON.stringify(document, null, 2)}\n`);
  const title = `${document.info.title} (unofficial SDK reference)`;
  await buildDocs({ root, spec, output: join(dir, 'index.html'), title, options: redocOptions(sampleLabel) });
  await localizeSite({ root, dir });
  return { dir, operations: Object.keys(samples).length, seconds: (performance.now() - started) / 1000 };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // `--out=<folder>` builds the site elsewhere than build/docs (the folder is emptied first).
  const out = process.argv.find((arg) => arg.startsWith('--out='))?.slice('--out='.length);
  const { dir, operations, seconds } = await buildDocsSite(out ? { dir: resolve(out) } : {});
  console.log(`Built ${relative(root, dir)}/index.html: ${operations} operations with SDK samples in ${seconds.toFixed(1)} s`);
}
