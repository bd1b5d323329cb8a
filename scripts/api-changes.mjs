// npm run api-changes: every change of the API since the last release (released/openapi-<version>.json), one line
// each, as check-drift judges them: the list to write CHANGELOG.md's section from.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { apiChanges, formatReport } from './lib/api-changes.mjs';
import { generatedDir } from './lib/pipeline.mjs';
import { runScript } from './lib/redocly.mjs';
import { readRelease } from './lib/release.mjs';

await runScript(async () => {
  const release = await readRelease();
  if (!release) throw new Error('released/ has no openapi-<version>.json: nothing to compare with (npm run record-release records one)');
  const current = JSON.parse(await readFile(join(generatedDir, 'openapi.json'), 'utf8'));
  console.log(formatReport(apiChanges(release.spec, current), { heading: `API changes since ${release.version}` }).join('\n'));
});
