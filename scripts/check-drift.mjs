// Fails when generated/ is not exactly what the spec produces (someone edited the spec and forgot to
// regenerate, or edited generated/ by hand).
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { buildGenerated, generatedDir, root } from './lib/pipeline.mjs';
import { runScript } from './lib/redocly.mjs';

await runScript(async () => {
  const expected = await buildGenerated();
  const onDisk = await readdir(generatedDir).catch(() => []);
  const problems = [];
  for (const [path, content] of expected) {
    const actual = await readFile(path, 'utf8').catch(() => null);
    if (actual === null) problems.push(`missing: ${relative(root, path)}`);
    else if (actual !== content) problems.push(`differs from the spec: ${relative(root, path)}`);
  }
  for (const name of onDisk) {
    if (!expected.has(join(generatedDir, name))) problems.push(`not produced by the spec: generated/${name}`);
  }
  if (problems.length > 0) {
    throw new Error(
      `generated/ is out of date. Run \`npm run generate\` and commit the result.\n  ${problems.join('\n  ')}`,
    );
  }
  console.log('generated/ matches the spec (lint clean, no drift)');
});
