// The built ESM bundle in a real browser (headless Chromium): loaded from one 127.0.0.1 origin, calling a
// mock API on another, so the request goes through a real CORS preflight carrying the Authorization header.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distDir, root, withBuiltDist } from './support/built-dist.js';
import { haveChromium, launchChromium } from './support/chromium.js';
import { account } from './support/fixtures.js';
import { sendJson, startServer } from './support/http-server.js';


// The import map lets the bundle's bare `import 'openapi-fetch'` load the dependency's own ESM build,
// as a browser bundler would.
const page = `<!doctype html>
<html>
  <head>
    <link rel="icon" href="data:," />
    <script type="importmap">{ "imports": { "openapi-fetch": "/vendor/openapi-fetch.mjs" } }</script>
    <script type="module">
      import { createTogaiClient } from '/sdk/index.js';
      const baseUrl = new URLSearchParams(location.search).get('api');
      try {
        const account = await createTogaiClient({ baseUrl, token: 't' }).accounts.get({ accountId: 'ACC1' });
        window.togaiOutcome = { ok: true, account };
      } catch (error) {
        window.togaiOutcome = { ok: false, error: String(error) };
      }
    </script>
  </head>
  <body></body>
</html>`;

describe.skipIf(!haveChromium)('browser runtime (headless Chromium)', () => {
  it('runs the dist ESM bundle and calls a CORS-enabled API with the credential', async () => {
    // Copy the fresh build, so a concurrent rebuild by another test file cannot change what we serve.
    const sdkDir = await mkdtemp(join(tmpdir(), 'togai-browser-'));
    await withBuiltDist(() => cp(distDir, sdkDir, { recursive: true }));
    const files: Record<string, string> = {
      '/vendor/openapi-fetch.mjs': join(root, 'node_modules', 'openapi-fetch', 'dist', 'index.mjs'),
      '/sdk/index.js': join(sdkDir, 'index.js'),
    };

    const site = await startServer(async (request, response) => {
      const path = new URL(request.url, 'http://127.0.0.1').pathname;
      if (path === '/') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
      } else if (files[path] || /^\/sdk\/[\w-]+\.js$/.test(path)) {
        // The entry and the chunks it shares with the ingester entry.
        const file = files[path] ?? join(sdkDir, basename(path));
        response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(await readFile(file));
      } else {
        response.writeHead(404).end();
      }
    });
    const cors = { 'access-control-allow-origin': site.url };
    const api = await startServer((request, response) => {
      if (request.method === 'OPTIONS') {
        response
          .writeHead(204, {
            ...cors,
            'access-control-allow-methods': 'GET, POST, PATCH, DELETE',
            'access-control-allow-headers': 'authorization, x-api-key, content-type',
            'access-control-max-age': '0',
          })
          .end();
      } else if (request.method === 'GET' && request.url === '/accounts/ACC1') {
        sendJson(response, 200, account, cors);
      } else {
        sendJson(response, 404, { message: 'not found' }, cors);
      }
    });
    const browser = await launchChromium();
    try {
      const tab = await browser.newPage();
      const problems: string[] = [];
      tab.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
      tab.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console.error: ${message.text()} (${message.location().url})`);
      });
      tab.on('requestfailed', (request) => problems.push(`requestfailed: ${request.url()}`));

      await tab.goto(`${site.url}/?api=${encodeURIComponent(api.url)}`, { timeout: 15_000 });
      await tab.waitForFunction(() => 'togaiOutcome' in window, null, { timeout: 15_000 });
      const outcome = await tab.evaluate(() => (window as unknown as { togaiOutcome: unknown }).togaiOutcome);

      expect(outcome).toEqual({ ok: true, account });
      expect(problems).toEqual([]);
      // The browser asked first (Authorization is not a CORS-safelisted header), then sent the credential.
      const preflight = api.requests.find((request) => request.method === 'OPTIONS');
      expect(preflight?.headers['access-control-request-headers']).toContain('authorization');
      const get = api.requests.find((request) => request.method === 'GET');
      expect(get?.url).toBe('/accounts/ACC1');
      expect(get?.headers.authorization).toBe('Bearer t');
      expect(get?.headers.origin).toBe(site.url);
      // The SDK came from the built bundle, and openapi-fetch through the import map.
      expect(site.requests.map((request) => request.url)).toEqual(
        expect.arrayContaining(['/sdk/index.js', '/vendor/openapi-fetch.mjs']),
      );
    } finally {
      await browser.close();
      await site.close();
      await api.close();
      await rm(sdkDir, { recursive: true, force: true });
    }
  });
});
