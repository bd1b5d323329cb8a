// npm run generate: lint → bundle → openapi-typescript → prettier, writing generated/. Nothing is written unless
// every step succeeds; a spec error prints Redocly's findings, one line each.
import { mkdir, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { buildGenerated, generatedDir, root } from './lib/pipeline.mjs';
import { runScript } from './lib/redocly.mjs';

await runScript(
  async () => {
    const started = performance.now();
    const files = await buildGenerated();
    await mkdir(generatedDir, { recursive: true });
    for (const [path, content] of files) await writeFile(path, content);
    const elapsed = Math.round(performance.now() - started);
    console.log(`generated ${[...files.keys()].map((p) => relative(root, p)).join(', ')} in ${elapsed} ms`);
  },
  { consequence: 'generated/ left as it was' },
);
