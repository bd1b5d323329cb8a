// npm run check-drift (the first step of npm test). Fails when
// - generated/ is not exactly what the spec produces (someone edited the spec and forgot to regenerate, or edited
//   generated/ by hand), or
// - the API has a breaking change since the last release (released/openapi-<version>.json) that is not
//   acknowledged: package.json's version bumped for it and CHANGELOG.md's section for that version naming it
//   (scripts/lib/release.mjs says exactly what counts).
// Prints the count of API changes since the release and each breaking one.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { apiChanges, formatChange, formatReport } from './lib/api-changes.mjs';
import { buildGenerated, generatedDir, root } from './lib/pipeline.mjs';
import { runScript } from './lib/redocly.mjs';
import { breakingBumpOf, changelogLine, changelogPath, compareVersions, readRelease, unacknowledged } from './lib/release.mjs';

await runScript(async () => {
  const expected = await buildGenerated();
  const onDisk = await readdir(generatedDir, { recursive: true }).catch(() => []);
  const problems = [];
  for (const [path, content] of expected) {
    const actual = await readFile(path, 'utf8').catch(() => null);
    if (actual === null) problems.push(`missing: ${relative(root, path)}`);
    else if (actual !== content) problems.push(`differs from the spec: ${relative(root, path)}`);
  }
  for (const name of onDisk) {
    if (/\.\w+$/.test(name) && !expected.has(join(generatedDir, name))) problems.push(`not produced by the spec: generated/${name}`);
  }
  if (problems.length > 0) {
    throw new Error(`generated/ is out of date. Run \`npm run generate\` and commit the result.\n  ${problems.join('\n  ')}`);
  }
  console.log('generated/ matches the spec (lint clean, no drift)');

  const release = await readRelease();
  if (!release) throw new Error('released/ has no openapi-<version>.json, the API of the last release: see README, "Regenerating after an API change"');
  const changes = apiChanges(release.spec, JSON.parse(expected.get(join(generatedDir, 'openapi.json'))));
  const [summary] = formatReport(changes, { heading: `API changes since ${release.version}` });
  const breaking = changes.filter((change) => change.type === 'breaking');
  console.log(`${summary}${changes.length > breaking.length ? ' (npm run api-changes lists them all)' : ''}`);
  for (const change of breaking) console.log(`  ${formatChange(change)}`);
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const changelog = await readFile(changelogPath, 'utf8').catch(() => undefined);
  const refusals = unacknowledged({ changes, releasedVersion: release.version, version, changelog });
  if (refusals.length > 0) {
    const next = compareVersions(version, breakingBumpOf(release.version)) < 0 ? breakingBumpOf(release.version) : version;
    throw new Error(
      `Breaking API changes since ${release.version} are not acknowledged:\n  ${refusals.join('\n  ')}\n` +
        `For instance, set package.json's version to ${next} and add to CHANGELOG.md:\n\n## ${next}\n\n### Breaking\n` +
        `${breaking.map(changelogLine).join('\n')}\n\n` +
        'See README, "Regenerating after an API change".',
    );
  }
});
