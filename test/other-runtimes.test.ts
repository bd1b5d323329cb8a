// The built ESM package, unchanged, on Bun and Deno (pinned, from .ci/tools: CI installs them, a contributor's
// `npm test` skips this with a message): one facade call that succeeds and one that must become a typed
// NotFoundError, against a loopback server.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { root, withBuiltDist } from './support/built-dist.js';
import { ciTool, missingToolNote } from './support/ci-tools.js';
import { account } from './support/fixtures.js';
import { sendJson, startServer, type TestServer } from './support/http-server.js';
import { describeRun, run } from './support/run.js';

// Lives inside the project so both runtimes resolve `openapi-fetch` from its node_modules, as an app would.
const scriptDir = join(root, '.tmp', 'runtimes');
const script = `
import { createTogaiClient, NotFoundError } from '../../dist/index.js';
const baseUrl = typeof Deno !== 'undefined' ? Deno.args[0] : process.argv[2];
const togai = createTogaiClient({ baseUrl, token: 'runtime-token', maxRetries: 0 });
const found = await togai.accounts.get({ accountId: 'ACC1' });
const missing = await togai.accounts.get({ accountId: 'missing' }).catch((error) => error);
console.log(JSON.stringify({ id: found.id, notFound: missing instanceof NotFoundError, status: missing.status }));
`;

const runtimes: Record<string, (file: string, url: string) => string[]> = {
  bun: (file, url) => [file, url],
  deno: (file, url) => ['run', '--no-prompt', '--allow-net=127.0.0.1', '--allow-read', '--allow-env', file, url],
};

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) =>
    req.url === '/accounts/ACC1' ? sendJson(res, 200, account) : sendJson(res, 404, { message: 'no such account' }),
  );
  await mkdir(scriptDir, { recursive: true });
  await writeFile(join(scriptDir, 'call.mjs'), script);
});
afterAll(() => server.close());

for (const name of Object.keys(runtimes)) {
  if (!ciTool(name)) console.warn(missingToolNote(name, `The ${name} runtime test is`));
}

describe.each(Object.entries(runtimes))('%s', (name, args) => {
  test('runs the built package', { timeout: 180_000 }, async (context) => {
    const executable = ciTool(name);
    if (!executable) return context.skip(missingToolNote(name, 'this test is'));
    const result = await withBuiltDist(() =>
      run(executable, args(join(scriptDir, 'call.mjs'), server.url), {
        cwd: root,
        timeoutMs: 60_000,
        env: { DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', BUN_DISABLE_TELEMETRY: '1', DO_NOT_TRACK: '1' },
      }),
    );
    expect(result.code, describeRun(name, result)).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toEqual({ id: 'ACC1', notFound: true, status: 404 });
    const calls = server.requests.filter((r) => r.headers.authorization === 'Bearer runtime-token');
    expect(calls.length).toBeGreaterThanOrEqual(2);
  });
});
