// npm run generate: lint → bundle → openapi-typescript → prettier, writing generated/.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { buildGenerated, root } from './lib/pipeline.mjs';

const started = performance.now();
const files = await buildGenerated();
for (const [path, content] of files) {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}
const elapsed = Math.round(performance.now() - started);
console.log(`generated ${[...files.keys()].map((p) => relative(root, p)).join(', ')} in ${elapsed} ms`);
