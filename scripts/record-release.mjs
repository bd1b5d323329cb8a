// npm run record-release: records the API of the version in package.json as released, when you publish it:
// generated/openapi.json is copied to released/openapi-<version>.json (replacing the previous release's), and from
// then on check-drift judges breaking changes against it. Refuses when the version is not after the recorded one,
// when CHANGELOG.md has no section for it, or when check-drift fails (generated/ not what the spec produces, or a
// breaking change not acknowledged).
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { generatedDir, root } from './lib/pipeline.mjs';
import { runScript } from './lib/redocly.mjs';
import { changelogPath, changelogSection, compareVersions, readRelease, releasedDir } from './lib/release.mjs';

await runScript(async () => {
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const release = await readRelease();
  if (release && compareVersions(version, release.version) <= 0) {
    throw new Error(`package.json's version ${version} is not after the recorded release ${release.version}: bump it first`);
  }
  if (!changelogSection(await readFile(changelogPath, 'utf8').catch(() => ''), version)) {
    throw new Error(`CHANGELOG.md has no section "## ${version}": write it first`);
  }
  const drift = spawnSync(process.execPath, [join(root, 'scripts', 'check-drift.mjs')], { stdio: 'inherit' });
  if (drift.status !== 0) throw new Error('check-drift failed: nothing recorded');
  await mkdir(releasedDir, { recursive: true });
  const target = join(releasedDir, `openapi-${version}.json`);
  await copyFile(join(generatedDir, 'openapi.json'), target);
  if (release) await rm(release.file);
  console.log(`recorded the API of ${version} in ${relative(root, target)}${release ? ` (replacing ${relative(root, release.file)})` : ''}`);
});
