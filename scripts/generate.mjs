// npm run generate: lint → bundle → openapi-typescript → prettier, writing generated/. Nothing is written unless
// every step succeeds; a spec error prints Redocly's findings, one line each. Then it reports how the API changed
// from the generated/openapi.json it replaced (the committed one, unless you regenerated since): one summary line
// and one line per change, breaking or not.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { apiChanges, formatReport } from './lib/api-changes.mjs';
import { buildGenerated, generatedDir, root } from './lib/pipeline.mjs';
import { runScript } from './lib/redocly.mjs';

await runScript(
  async () => {
    const started = performance.now();
    const files = await buildGenerated();
    const specPath = join(generatedDir, 'openapi.json');
    const previous = existsSync(specPath) ? JSON.parse(await readFile(specPath, 'utf8')) : undefined;
    const changes = previous ? apiChanges(previous, JSON.parse(files.get(specPath))) : undefined;
    for (const [path, content] of files) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
    }
    const elapsed = Math.round(performance.now() - started);
    console.log(`generated ${[...files.keys()].map((p) => relative(root, p)).join(', ')} in ${elapsed} ms`);
    if (changes) console.log(formatReport(changes).join('\n'));
    else console.log('API changes: none to report (there was no generated/openapi.json to compare with)');
  },
  { consequence: 'generated/ left as it was' },
);
