// The package as users get it: build, check its shape with publint and attw, pack it, install the tarball
// into a scratch project (offline) and use it from ESM, CommonJS and TypeScript against a local server.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, withBuiltDist } from './support/built-dist.js';
import { sendJson, startServer, type TestServer } from './support/http-server.js';
import { account } from './support/fixtures.js';
import { describeRun, run, type RunResult } from './support/run.js';
import { installTarball, pack, type Packed } from './support/scratch-project.js';

const bin = (name: string) => join(root, 'node_modules', '.bin', name);

let workDir = '';
let projectDir = '';
let publint: RunResult;
let attw: RunResult;
let packed: Packed;
let server: TestServer | undefined;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'togai-package-'));
  projectDir = join(workDir, 'consumer');
  await mkdir(projectDir);
  await withBuiltDist(async () => {
    publint = await run(bin('publint'), ['--strict'], { cwd: root, timeoutMs: 60_000 });
    // Profile node16 leaves out TypeScript's legacy `moduleResolution: node` (node10): it ignores package.json
    // `exports`, so no subpath such as `/paths` can resolve under it. The main entry still must (see below).
    attw = await run(bin('attw'), ['--pack', '.', '--profile', 'node16', '--format', 'json'], {
      cwd: root,
      timeoutMs: 120_000,
    });
    packed = await pack(root, workDir);
  });
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

  it('has types that resolve for every entry point and module format (attw)', () => {
    expect(attw.code, describeRun('attw', attw)).toBe(0);
    const report = JSON.parse(attw.stdout) as { problems: Record<string, { entrypoint?: string; resolutionKind?: string }[]> };
    const problems = Object.values(report.problems).flat();
    // Only a subpath may fail, and only under node10 (see above); the main entry must resolve everywhere.
    expect(problems.filter((p) => !(p.resolutionKind === 'node10' && p.entrypoint !== '.'))).toEqual([]);
  });

  it('ships dist, the license and the readme, and nothing else', () => {
    const allowed = new Set(['package.json', 'LICENSE', 'README.md']);
    expect(packed.files.filter((file) => !file.startsWith('dist/') && !allowed.has(file))).toEqual([]);
    const required = ['LICENSE', 'package.json', ...['index', 'paths'].flatMap((n) => ['.js', '.cjs', '.d.ts', '.d.cts'].map((e) => `dist/${n}${e}`))];
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
      `import { createTogaiClient } from 'togai-accounts-unofficial';
const togai = createTogaiClient({ baseUrl: process.argv[2], token: 'esm-token' });
const account = await togai.accounts.get({ accountId: 'ACC1' });
console.log(JSON.stringify({ resolved: import.meta.resolve('togai-accounts-unofficial'), account }));
`,
    );
    expect(output.resolved).toMatch(/\/node_modules\/togai-accounts-unofficial\/dist\/index\.js$/);
    expect(output.account).toEqual(account);
    expect(authorizationsSeen()).toContain('Bearer esm-token');
  });

  it('works from CommonJS (require condition)', async () => {
    const output = await runScript(
      'cjs.cjs',
      `const { createTogaiClient } = require('togai-accounts-unofficial');
const togai = createTogaiClient({ baseUrl: process.argv[2], token: 'cjs-token' });
togai.accounts.get({ accountId: 'ACC1' }).then((account) => {
  console.log(JSON.stringify({ resolved: require.resolve('togai-accounts-unofficial'), account }));
});
`,
    );
    expect(output.resolved).toMatch(/\/node_modules\/togai-accounts-unofficial\/dist\/index\.cjs$/);
    expect(output.account).toEqual(account);
    expect(authorizationsSeen()).toContain('Bearer cjs-token');
  });

  it('type-checks a consumer that uses the /paths types with openapi-fetch, from ESM and CommonJS', async () => {
    const consumer = `import createClient from 'openapi-fetch';
import type { paths } from 'togai-accounts-unofficial/paths';
import { createTogaiClient } from 'togai-accounts-unofficial';

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
});
