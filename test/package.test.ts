// The package as users get it: build, check its shape with publint and attw (from .ci/tools), pack it, install the
// tarball into a scratch project (offline) and use it from ESM, CommonJS and TypeScript against a local server.
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, withBuiltDist } from './support/built-dist.js';
import { ciTool, missingToolNote } from './support/ci-tools.js';
import { sendJson, startServer, type TestServer } from './support/http-server.js';
import { account } from './support/fixtures.js';
import { describeRun, run, type RunResult } from './support/run.js';
import { installTarball, pack, type Packed } from './support/scratch-project.js';

interface Manifest {
  engines: { node: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  repository?: { url?: string };
  homepage?: string;
  bugs?: { url?: string };
}

const bin = (name: string) => join(root, 'node_modules', '.bin', name);

let workDir = '';
let projectDir = '';
let publint: RunResult;
let attw: RunResult | undefined;
const attwBin = ciTool('attw');
if (!attwBin) console.warn(missingToolNote('attw (arethetypeswrong)', 'The check of the package types under every resolution mode is'));
let packed: Packed;
let server: TestServer | undefined;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'togai-package-'));
  projectDir = join(workDir, 'consumer');
  await mkdir(projectDir);
  await withBuiltDist(async () => {
    publint = await run(bin('publint'), ['--strict'], { cwd: root, timeoutMs: 60_000 });
    packed = await pack(root, workDir);
  });
  // Every profile, including node10 (TypeScript's `moduleResolution: node`, which ignores `exports`).
  if (attwBin) attw = await run(attwBin, [packed.tarball, '--format', 'json'], { cwd: workDir, timeoutMs: 120_000 });
  await installTarball(projectDir, packed.tarball, workDir);
  server = await startServer((request, response) => {
    if (request.method === 'GET' && request.url === '/accounts/ACC1') sendJson(response, 200, account);
    else sendJson(response, 404, { message: `no route for ${request.method} ${request.url}` });
  });
}, 400_000);

afterAll(async () => {
  await server?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('package shape', () => {
  it('passes publint --strict (warnings count as errors)', () => {
    expect(publint.code, describeRun('publint', publint)).toBe(0);
    expect(publint.stdout).toContain('All good!');
  });

  it('has types that resolve for every entry point under every resolution attw checks (node10 too)', (context) => {
    if (!attw) return context.skip(missingToolNote('attw', 'this test is'));
    expect(attw.code, describeRun('attw', attw)).toBe(0);
    const report = JSON.parse(attw.stdout) as {
      analysis: { entrypoints: Record<string, { resolutions: Record<string, { resolution?: { fileName: string } }> }> };
      problems: Record<string, unknown[]>;
    };
    expect(Object.values(report.problems).flat()).toEqual([]);
    const entrypoints = report.analysis.entrypoints;
    expect(Object.keys(entrypoints).sort()).toEqual(['.', './ingester', './package.json', './paths']);
    for (const kind of ['node10', 'node16-cjs', 'node16-esm', 'bundler']) {
      expect(entrypoints['./paths']!.resolutions[kind]?.resolution?.fileName, kind).toMatch(/\/dist\/paths\.d\.c?ts$/);
    }
  });

  it('names its repository, homepage and issue tracker, and its Node range is the one the README states', async () => {
    const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as Manifest;
    expect(manifest.repository?.url).toMatch(/^git\+https:\/\/.+\.git$/);
    expect(manifest.homepage).toMatch(/^https:\/\//);
    expect(manifest.bugs?.url).toMatch(/^https:\/\/.+\/issues$/);
    const minimum = /^>=(\d+\.\d+)$/.exec(manifest.engines.node)?.[1];
    expect(minimum, manifest.engines.node).toBeDefined();
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const stated = [...readme.matchAll(/\bNode(?:\.js)? (\d+(?:\.\d+)?)\+/g)].map((match) => match[1]);
    expect(stated.length).toBeGreaterThan(0);
    expect(new Set(stated)).toEqual(new Set([minimum]));
  });

  it('keeps Bun, Deno and attw out of the dev dependencies, pinned in .ci/tools, which CI installs', async () => {
    const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as Manifest;
    const tools = JSON.parse(await readFile(join(root, '.ci', 'tools', 'package.json'), 'utf8')) as Manifest;
    const toolsLock = JSON.parse(await readFile(join(root, '.ci', 'tools', 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; dependencies?: Record<string, string> }>;
    };
    const pinned = { bun: '1.4.5', deno: '2.9.5', '@arethetypeswrong/cli': '0.18.5' };
    for (const name of Object.keys(pinned)) expect(manifest.devDependencies, name).not.toHaveProperty(name);
    expect(tools.dependencies).toEqual(pinned);
    expect(toolsLock.packages['']?.dependencies).toEqual(pinned);
    for (const [name, version] of Object.entries(pinned)) expect(toolsLock.packages[`node_modules/${name}`]?.version).toBe(version);
    expect(await readFile(join(root, '.ci', 'run'), 'utf8')).toMatch(/^npm ci [^\n]*--prefix \.ci\/tools$/m);
  });

  it('builds dist/ when packed from a clean checkout (prepack), so a tarball always carries the code', async () => {
    // A copy of the working tree without dist/, sharing node_modules, packed with its lifecycle scripts.
    const checkout = join(workDir, 'checkout');
    const listed = await run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, timeoutMs: 30_000 });
    const files = listed.stdout.split('\0').filter((file) => file && file !== 'node_modules' && !file.startsWith('dist/') && existsSync(join(root, file)));
    for (const file of files) await cp(join(root, file), join(checkout, file), { recursive: true });
    await symlink(join(root, 'node_modules'), join(checkout, 'node_modules'), 'dir');
    expect(existsSync(join(checkout, 'dist'))).toBe(false);
    const result = await run('npm', ['pack', '--json', '--pack-destination', workDir], { cwd: checkout, timeoutMs: 120_000 });
    expect(result.code, describeRun('npm pack (clean checkout)', result)).toBe(0);
    // The build's log precedes npm's JSON on stdout.
    const [info] = JSON.parse(result.stdout.slice(result.stdout.search(/^\[$/m))) as { files: { path: string }[] }[];
    expect(info!.files.map((file) => file.path)).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.cjs', 'dist/paths.d.ts', 'dist/paths.d.cts']));
  }, 150_000);

  it('ships dist, the license and the readme, and nothing else', () => {
    const allowed = new Set(['package.json', 'LICENSE', 'README.md']);
    expect(packed.files.filter((file) => !file.startsWith('dist/') && !allowed.has(file))).toEqual([]);
    const required = ['LICENSE', 'package.json', ...['index', 'paths', 'ingester'].flatMap((n) => ['.js', '.cjs', '.d.ts', '.d.cts'].map((e) => `dist/${n}${e}`))];
    if (existsSync(join(root, 'README.md'))) required.push('README.md');
    expect(packed.files).toEqual(expect.arrayContaining(required));
  });
});

describe('installed from the tarball', () => {
  async function runScript(name: string, source: string): Promise<{ resolved: string; account: unknown }> {
    await writeFile(join(projectDir, name), source);
    const result = await run(process.execPath, [name, server!.url], { cwd: projectDir, timeoutMs: 30_000 });
    expect(result.code, describeRun(name, result)).toBe(0);
    return JSON.parse(result.stdout) as { resolved: string; account: unknown };
  }

  const authorizationsSeen = () => server!.requests.map((request) => request.headers.authorization);

  it('works from an ES module (import condition)', async () => {
    const output = await runScript(
      'esm.mjs',
      `import { createTogaiClient } from 'togai-sdk-unofficial';
const togai = createTogaiClient({ baseUrl: process.argv[2], token: 'esm-token' });
const account = await togai.accounts.get({ accountId: 'ACC1' });
console.log(JSON.stringify({ resolved: import.meta.resolve('togai-sdk-unofficial'), account }));
`,
    );
    expect(output.resolved).toMatch(/\/node_modules\/togai-sdk-unofficial\/dist\/index\.js$/);
    expect(output.account).toEqual(account);
    expect(authorizationsSeen()).toContain('Bearer esm-token');
  });

  it('works from CommonJS (require condition)', async () => {
    const output = await runScript(
      'cjs.cjs',
      `const { createTogaiClient } = require('togai-sdk-unofficial');
const togai = createTogaiClient({ baseUrl: process.argv[2], token: 'cjs-token' });
togai.accounts.get({ accountId: 'ACC1' }).then((account) => {
  console.log(JSON.stringify({ resolved: require.resolve('togai-sdk-unofficial'), account }));
});
`,
    );
    expect(output.resolved).toMatch(/\/node_modules\/togai-sdk-unofficial\/dist\/index\.cjs$/);
    expect(output.account).toEqual(account);
    expect(authorizationsSeen()).toContain('Bearer cjs-token');
  });

  it.each([
    ['ESM', 'ingest.mjs', "import { createTogaiClient, TogaiApiError } from 'togai-sdk-unofficial';\nimport { createIngester } from 'togai-sdk-unofficial/ingester';"],
    ['CommonJS', 'ingest.cjs', "const { createTogaiClient, TogaiApiError } = require('togai-sdk-unofficial');\nconst { createIngester } = require('togai-sdk-unofficial/ingester');"],
  ])('the ingester entry (%s) shares the client entry\'s classes: its errors are TogaiApiErrors', async (_, name, imports) => {
    const output = await runScript(
      name,
      `${imports}
const togai = createTogaiClient({ baseUrl: process.argv[2] + '/refuse', token: 't', maxRetries: 0 });
const ingester = createIngester(togai, { maxAttempts: 1 });
ingester.add({ schemaName: 's', timestamp: '2024-07-15T10:30:00Z', accountId: 'A', attributes: [] }).then(async () => {
  const report = await ingester.close();
  console.log(JSON.stringify({ resolved: '', account: report.failed.map((f) => f.error instanceof TogaiApiError) }));
});
`,
    );
    expect(output.account).toEqual([true]);
  });

  it('type-checks a consumer that uses the /paths types with openapi-fetch, from ESM and CommonJS', async () => {
    const consumer = `import createClient from 'openapi-fetch';
import type { paths } from 'togai-sdk-unofficial/paths';
import { createTogaiClient } from 'togai-sdk-unofficial';

export async function names(): Promise<string[]> {
  const raw = createClient<paths>({ baseUrl: 'https://api.togai.com' });
  const { data } = await raw.GET('/accounts/{account_id}', { params: { path: { account_id: 'ACC1' } } });
  // @ts-expect-error: the spec types \`name\` as a string (so this line fails if \`paths\` were \`any\`)
  const wrong: number | undefined = data?.name;
  const account = await createTogaiClient({ token: 't' }).accounts.get({ accountId: 'ACC1' });
  return [data?.name ?? '', account.name, String(wrong)];
}
`;
    await writeFile(join(projectDir, 'consumer.mts'), consumer);
    await writeFile(join(projectDir, 'consumer.cts'), consumer);
    const compilerOptions = {
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2022',
      lib: ['es2022', 'dom'],
      types: [],
      strict: true,
      noEmit: true,
      skipLibCheck: false, // check our .d.ts/.d.cts too
    };
    await writeFile(join(projectDir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.mts', 'consumer.cts'] }));
    const tsc = await run(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: projectDir, timeoutMs: 120_000 });
    expect(tsc.code, describeRun('tsc (scratch consumer)', tsc)).toBe(0);
  });

  it('type-checks the /paths types under node10 resolution (`"module": "commonjs"` without moduleResolution)', async () => {
    // openapi-fetch itself has no types for node10, so this consumer uses the types alone.
    await writeFile(
      join(projectDir, 'node10.ts'),
      `import type { paths } from 'togai-sdk-unofficial/paths';
type Account = paths['/accounts/{account_id}']['get']['responses'][200]['content']['application/json'];
export const name: Account['name'] = 'Acme';
// @ts-expect-error: \`name\` is a string (so this line fails if \`paths\` were \`any\`)
export const wrong: Account['name'] = 1;
`,
    );
    const compilerOptions = { module: 'commonjs', target: 'es2022', types: [], strict: true, noEmit: true };
    await writeFile(join(projectDir, 'tsconfig.node10.json'), JSON.stringify({ compilerOptions, files: ['node10.ts'] }));
    const tsc = await run(bin('tsc'), ['-p', 'tsconfig.node10.json', '--traceResolution'], { cwd: projectDir, timeoutMs: 120_000 });
    expect(tsc.code, describeRun('tsc (node10 consumer)', tsc)).toBe(0);
    expect(tsc.stdout).toMatch(/Module resolution kind is not specified, using 'Node10'/);
    expect(tsc.stdout).toMatch(/'togai-sdk-unofficial\/paths' was successfully resolved to '[^']*\/dist\/paths\.d\.cts'/);
  });
});
