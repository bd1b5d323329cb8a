// npm run release-check: may this commit be published as the version its tag names? The release workflow
// (.github/workflows/release.yml) runs it before testing and again right before `npm publish`. It refuses when
// - the tag (GITHUB_REF_NAME, as GitHub Actions sets it for a tag push or a published release, or `--tag=<tag>`; a
//   leading `v` is allowed) is not package.json's version, or that version is not MAJOR.MINOR.PATCH;
// - CHANGELOG.md has no section for the version (`npm run record-release` needs it once the version is out);
// - released/ records a later version than this one, or this very version with another API than generated/openapi.json;
// - package.json's repository is not the repository the workflow runs in (GITHUB_REPOSITORY, when set): npm refuses
//   a provenance statement from a repository other than the package's;
// - `npm run check-drift` fails: generated/ is not what the spec produces, or the API has a breaking change since the
//   last recorded release that the version and CHANGELOG.md do not acknowledge (see README, "Releasing").
// Everything it reads is in the repository: no network, no git history.
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { changelogPath, changelogSection, compareVersions, parseVersion, readRelease } from './lib/release.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The version a tag names: the tag without its leading `v` (`v1.2.3` → `1.2.3`). */
export function tagVersion(tag) {
  return tag.replace(/^v/, '');
}

/** `owner/repo` of a repository URL on GitHub (`git+https://github.com/owner/repo.git` → `owner/repo`), or undefined. */
export function githubRepositoryOf(url) {
  const match =
    /^(?:git\+)?(?:https?:\/\/|git:\/\/|ssh:\/\/git@|git@)github\.com[/:]([^/]+\/[^/]+?)(?:\.git)?\/?$/i.exec(
      url ?? '',
    );
  return match?.[1];
}

/**
 * Why the tag may not be published (an empty list when it may, as far as these checks go; check-drift is run apart).
 * `recorded` is the newest release in released/ (`{ version, spec }`), `generatedSpec` the text of generated/openapi.json.
 */
export function releaseRefusals({ tag, version, changelog, recorded, generatedSpec, repositoryUrl, githubRepository }) {
  if (!tag) return ['no tag to release: set GITHUB_REF_NAME (GitHub Actions does for a tag) or pass --tag=v<version>'];
  const problems = [];
  try {
    parseVersion(version);
  } catch (error) {
    return [`package.json's ${error.message}: only MAJOR.MINOR.PATCH versions are released`];
  }
  if (tagVersion(tag) !== version) {
    problems.push(
      `the tag ${tag} is not package.json's version ${version}: tag the commit v${version}, or set the version to the tag's`,
    );
  }
  if (changelog === undefined || changelogSection(changelog, version) === undefined) {
    problems.push(`CHANGELOG.md has no section "## ${version}": write what changed for users first`);
  }
  if (recorded) {
    const order = compareVersions(version, recorded.version);
    if (order < 0)
      problems.push(
        `released/ records ${recorded.version}, after ${version}: a release must be newer than the last one`,
      );
    if (order === 0 && JSON.stringify(recorded.spec) !== JSON.stringify(JSON.parse(generatedSpec))) {
      problems.push(
        `released/openapi-${version}.json is not the API of this commit (generated/openapi.json): record it again or bump the version`,
      );
    }
  }
  if (githubRepository) {
    const named = githubRepositoryOf(repositoryUrl);
    if (named?.toLowerCase() !== githubRepository.toLowerCase()) {
      problems.push(
        `package.json's repository (${repositoryUrl ?? 'none'}) is not github.com/${githubRepository}, where this runs: ` +
          `npm would refuse the provenance; set repository.url to git+https://github.com/${githubRepository}.git`,
      );
    }
  }
  return problems;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const tag =
    process.argv.find((arg) => arg.startsWith('--tag='))?.slice('--tag='.length) || process.env.GITHUB_REF_NAME;
  const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const problems = releaseRefusals({
    tag,
    version: manifest.version,
    changelog: await readFile(changelogPath, 'utf8').catch(() => undefined),
    recorded: await readRelease(),
    generatedSpec: await readFile(join(root, 'generated', 'openapi.json'), 'utf8'),
    repositoryUrl: typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url,
    githubRepository: process.env.GITHUB_REPOSITORY,
  });
  if (problems.length > 0) {
    console.error(`Not releasing ${tag ?? '(no tag)'}:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`${tag} is package.json's version ${manifest.version}, with its CHANGELOG.md section; now check-drift:`);
  const drift = spawnSync(process.execPath, [join(root, 'scripts', 'check-drift.mjs')], { stdio: 'inherit' });
  if (drift.status !== 0) {
    console.error(`Not releasing ${tag}: check-drift failed (above)`);
    process.exit(1);
  }
  console.log(`${tag} may be released`);
}
