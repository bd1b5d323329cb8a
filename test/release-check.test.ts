// npm run release-check (scripts/release-check.mjs), which the release workflow runs before it publishes: the tag must
// be package.json's version (a leading `v` allowed), and check-drift must pass (no breaking API change since the last
// release that the version does not account for). Its rules one by one, then the script end to end: on this
// repository, and on a copy whose version does not account for the breaking changes since the recorded release.
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubRepositoryOf, releaseRefusals, tagVersion } from '../scripts/release-check.mjs';
import { root } from './support/built-dist.js';
import { describeRun, run } from './support/run.js';

const spec = { openapi: '3.1.0', info: { title: 'T', version: '1' }, paths: {} };
const changelog = '# Changelog\n\n## 0.3.0\n\n- Things.\n\n## 0.2.0\n\n- Earlier things.\n';
/** A release that may go out: tag v0.3.0 of version 0.3.0, 0.2.0 recorded, the repository the one it runs in. */
const fine = {
  tag: 'v0.3.0',
  version: '0.3.0',
  changelog,
  recorded: { version: '0.2.0', spec },
  generatedSpec: JSON.stringify(spec),
  repositoryUrl: 'git+https://github.com/owner/repo.git',
  githubRepository: 'owner/repo',
};

describe('the rules', () => {
  it('accepts the tag of package.json version, with or without a leading v', () => {
    expect(releaseRefusals(fine)).toEqual([]);
    expect(releaseRefusals({ ...fine, tag: '0.3.0' })).toEqual([]);
    expect(tagVersion('v1.2.3')).toBe('1.2.3');
    expect(tagVersion('1.2.3')).toBe('1.2.3');
  });

  it('refuses a tag that differs from the version, naming both', () => {
    for (const tag of ['v0.3.1', 'v0.2.0', '0.4.0', 'vv0.3.0', 'release-0.3.0', 'main']) {
      expect(releaseRefusals({ ...fine, tag }), tag).toEqual([
        `the tag ${tag} is not package.json's version 0.3.0: tag the commit v0.3.0, or set the version to the tag's`,
      ]);
    }
  });

  it('refuses without a tag, and a version that is not MAJOR.MINOR.PATCH', () => {
    expect(releaseRefusals({ ...fine, tag: undefined })[0]).toMatch(/^no tag to release: set GITHUB_REF_NAME/);
    expect(releaseRefusals({ ...fine, tag: '' })[0]).toMatch(/^no tag to release/);
    expect(releaseRefusals({ ...fine, tag: 'v1.0.0-rc.1', version: '1.0.0-rc.1' })).toEqual([
      `package.json's version "1.0.0-rc.1" is not MAJOR.MINOR.PATCH: only MAJOR.MINOR.PATCH versions are released`,
    ]);
  });

  it('refuses a version without its CHANGELOG.md section', () => {
    expect(releaseRefusals({ ...fine, changelog: '# Changelog\n\n## 0.2.0\n' })).toEqual([
      'CHANGELOG.md has no section "## 0.3.0": write what changed for users first',
    ]);
    expect(releaseRefusals({ ...fine, changelog: undefined })).toHaveLength(1);
  });

  it('refuses a version older than the recorded release, or the recorded version with another API', () => {
    expect(releaseRefusals({ ...fine, recorded: { version: '0.4.0', spec } })).toEqual([
      'released/ records 0.4.0, after 0.3.0: a release must be newer than the last one',
    ]);
    // Recorded before tagging: fine as long as it is this commit's API.
    expect(releaseRefusals({ ...fine, recorded: { version: '0.3.0', spec } })).toEqual([]);
    expect(
      releaseRefusals({ ...fine, recorded: { version: '0.3.0', spec: { ...spec, paths: { '/x': {} } } } }),
    ).toEqual([
      'released/openapi-0.3.0.json is not the API of this commit (generated/openapi.json): record it again or bump the version',
    ]);
    expect(releaseRefusals({ ...fine, recorded: undefined })).toEqual([]);
  });

  it("refuses to publish from a repository other than package.json's (npm would refuse the provenance)", () => {
    expect(releaseRefusals({ ...fine, githubRepository: 'someone/fork' })).toEqual([
      "package.json's repository (git+https://github.com/owner/repo.git) is not github.com/someone/fork, where this runs: " +
        'npm would refuse the provenance; set repository.url to git+https://github.com/someone/fork.git',
    ]);
    expect(releaseRefusals({ ...fine, githubRepository: 'Owner/Repo' })).toEqual([]);
    expect(releaseRefusals({ ...fine, githubRepository: undefined, repositoryUrl: undefined })).toEqual([]); // not on GitHub Actions
    for (const url of [
      'git+https://github.com/owner/repo.git',
      'https://github.com/owner/repo',
      'git@github.com:owner/repo.git',
      'git+ssh://git@github.com/owner/repo.git',
    ]) {
      expect(githubRepositoryOf(url), url).toBe('owner/repo');
    }
    expect(githubRepositoryOf('https://gitlab.com/owner/repo.git')).toBeUndefined();
  });

  it('lists every problem at once', () => {
    expect(releaseRefusals({ ...fine, tag: 'v0.3.1', changelog: '', githubRepository: 'someone/fork' })).toHaveLength(
      3,
    );
  });
});

// The script reads GITHUB_REF_NAME and GITHUB_REPOSITORY; in CI (GitHub Actions) both are set to the run's own.
const script = (cwd: string, tag: string) =>
  run(process.execPath, [join('scripts', 'release-check.mjs')], {
    cwd,
    timeoutMs: 120_000,
    env: { GITHUB_REF_NAME: tag, GITHUB_REPOSITORY: undefined },
  });

describe('npm run release-check on this repository', { timeout: 120_000 }, () => {
  it('passes for the tag v<version>, after check-drift passes', async () => {
    const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
    const result = await script(root, `v${version}`);
    expect(result.code, describeRun('release-check', result)).toBe(0);
    expect(result.stdout).toContain('generated/ matches the spec');
    expect(result.stdout).toMatch(new RegExp(`^v${version.replaceAll('.', '\\.')} may be released$`, 'm'));
  });

  it('refuses another tag at once, without running check-drift', async () => {
    const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
    const result = await script(root, 'v99.0.0');
    expect(result.code, describeRun('release-check', result)).toBe(1);
    expect(result.stderr).toContain(`the tag v99.0.0 is not package.json's version ${version}`);
    expect(result.stdout).not.toContain('generated/');
  });
});

describe('npm run release-check where the version does not account for a breaking change', { timeout: 180_000 }, () => {
  // A copy of the repository whose recorded release had an operation the spec no longer has (a breaking change), and
  // whose version is only a patch after that release: the tag matches the version and CHANGELOG.md has its section,
  // but the removal needs the next minor (while 0.x) or major, and CHANGELOG.md naming it.
  let copy = '';
  let patch = '';

  beforeAll(async () => {
    copy = await mkdtemp(join(tmpdir(), 'togai-release-check-'));
    for (const entry of [
      'openapi',
      'scripts',
      'generated',
      'released',
      'CHANGELOG.md',
      'redocly.yaml',
      'package.json',
      'README.md',
      '.prettierrc.json',
    ]) {
      await cp(join(root, entry), join(copy, entry), { recursive: true });
    }
    await symlink(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
    const recorded = (await readdir(join(copy, 'released'))).find((name) =>
      /^openapi-\d+\.\d+\.\d+\.json$/.test(name),
    )!;
    const released = JSON.parse(await readFile(join(copy, 'released', recorded), 'utf8')) as {
      paths: Record<string, unknown>;
    };
    released.paths['/legacy_things'] = {
      get: { operationId: 'getLegacyThings', responses: { '200': { description: 'OK' } } },
    };
    await writeFile(join(copy, 'released', recorded), JSON.stringify(released));
    const [major, minor, fix] = recorded.slice('openapi-'.length, -'.json'.length).split('.').map(Number);
    patch = `${major}.${minor}.${fix! + 1}`;
    const manifest = JSON.parse(await readFile(join(copy, 'package.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(copy, 'package.json'), `${JSON.stringify({ ...manifest, version: patch }, null, 2)}\n`);
    const changelog = await readFile(join(copy, 'CHANGELOG.md'), 'utf8');
    await writeFile(join(copy, 'CHANGELOG.md'), changelog.replace(/^## /m, `## ${patch}\n\n- A patch.\n\n## `));
  }, 60_000);

  afterAll(async () => {
    if (copy) await rm(copy, { recursive: true, force: true });
  });

  it('refuses, because check-drift does', async () => {
    const result = await script(copy, `v${patch}`);
    expect(result.code, describeRun('release-check', result)).toBe(1);
    expect(result.stdout).toContain(`v${patch} is package.json's version ${patch}`);
    expect(result.stdout).toMatch(/breaking +getLegacyThings GET \/legacy_things: operation removed/);
    expect(result.stderr).toContain(`package.json's version is ${patch}: a breaking change after`);
    expect(result.stderr).toMatch(/CHANGELOG\.md's sections? .*(does|do) not name getLegacyThings/);
    expect(result.stderr).toContain(`Not releasing v${patch}: check-drift failed`);
  });
});
