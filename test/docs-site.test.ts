// The API reference site from `npm run docs`, opened in headless Chromium the way a reader would: served from
// a 127.0.0.1 origin, scrolled through, and every operation opened. It must list all operations by variant,
// mark the deprecated ones, show a TypeScript SDK sample for each, and load nothing from any other origin.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { extname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { chromiumPath, haveChromium, launchChromium } from './support/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations, type OperationMetadata } from '../generated/operations.js';
import { startServer, type TestServer } from './support/http-server.js';
import { specOperationsById } from './support/spec.js';

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const docsDir = join(root, 'build', 'docs');
const screenshotPath = join(root, 'build', 'docs-screenshot.png');
const allOperations = Object.values(operations) as OperationMetadata[];
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};
/** Line-end whitespace and the final newline differ between the spec and the rendered `<pre>`. */
const normalize = (code: string) => code.replace(/[ \t\u00a0]+$/gm, '').trim();
const camelCase = (name: string) => name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

/** An operation as the overview lists it: a link card with the HTTP method, the path and badges. */
interface Card {
  href: string;
  method: string;
  path: string;
  deprecated: boolean;
  /** `data-section-id` of the tag section the card sits in. */
  section: string | null;
}

if (!haveChromium) console.warn(`docs-site test skipped: ${chromiumPath} not found (CI installs chromium with apt-get).`);

describe.skipIf(!haveChromium)('API reference site (headless Chromium)', { timeout: 120_000 }, () => {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let buildOutput = '';
  const requests: string[] = [];
  const pageErrors: string[] = [];
  const failedRequests: string[] = [];
  let cards: Card[] = [];
  /** operationId → the TypeScript sample in the built spec (build/docs/openapi.json). */
  const specSamples = new Map<string, string>();
  const shownSamples = new Set<string>();

  beforeAll(async () => {
    const started = performance.now();
    const { stdout } = await exec(process.execPath, [join(root, 'scripts', 'docs.mjs')], { cwd: root, timeout: 100_000 });
    buildOutput = `${stdout.trim()} (wall ${((performance.now() - started) / 1000).toFixed(1)} s)`;
    console.log(`docs build: ${buildOutput}`);
    const spec = JSON.parse(await readFile(join(docsDir, 'openapi.json'), 'utf8')) as {
      paths: Record<string, Record<string, { operationId?: string; 'x-codeSamples'?: { lang: string; source: string }[] }>>;
    };
    for (const item of Object.values(spec.paths)) {
      for (const operation of Object.values(item)) {
        const sample = operation['x-codeSamples']?.find((entry) => entry.lang === 'TypeScript');
        if (operation.operationId && sample) specSamples.set(operation.operationId, sample.source);
      }
    }

    // A plain static file server for build/docs: what any web host would do with the folder.
    server = await startServer(async (request, response) => {
      const pathname = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
      const file = resolve(docsDir, `.${pathname === '/' ? '/index.html' : pathname}`);
      const inside = !relative(docsDir, file).startsWith('..');
      if (request.method !== 'GET' || !inside || !(await stat(file).catch(() => null))?.isFile()) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': contentTypes[extname(file)] ?? 'application/octet-stream' });
      response.end(await readFile(file));
    });

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('request', (request) => requests.push(request.url()));
    page.on('requestfailed', (request) => failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`));
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}/`, { waitUntil: 'load' });
    // The HTML is prerendered; wait until Redoc's script has taken the page over (React's root marker).
    await page
      .waitForFunction(() =>
        Object.keys(document.getElementById('redoc') ?? {}).some((key) => key.startsWith('__reactContainer')),
      )
      .catch((error: Error) => {
        throw new Error(`Redoc never started (${error.message}); requests: ${requests.join(', ')}; page errors: ${pageErrors.join(', ')}`);
      });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('builds build/docs with its own copy of Redoc', async () => {
    expect(buildOutput).toMatch(new RegExp(`${allOperations.length} operations with SDK samples`));
    const html = await readFile(join(docsDir, 'index.html'), 'utf8');
    expect(html).toContain('from "./redoc.standalone.js"');
    expect(requests).toContain(`${server!.url}/redoc.standalone.js`);
  });

  it('lists every operation with its method and path, grouped by path variant', async () => {
    // Redoc renders the tag sections lazily while the reader scrolls; scroll until every card is there.
    const cardLinks = page.locator('[data-testid="items-navigation-list"] a[href^="#/"]');
    for (let step = 0; step < 40 && (await cardLinks.count()) < allOperations.length; step += 1) {
      await page.mouse.wheel(0, 4000);
      await page.waitForTimeout(200);
    }
    cards = await cardLinks.evaluateAll((links) =>
      links.map((link) => {
        const tags = [...link.querySelectorAll('[data-component-name="Tag/Tag"]')].map((tag) => tag.textContent ?? '');
        return {
          href: link.getAttribute('href') ?? '',
          method: (tags[0] ?? '').toUpperCase(),
          path: link.querySelector('span > span')?.textContent ?? '',
          deprecated: tags.slice(1).some((tag) => /^deprecated$/i.test(tag.trim())),
          section: link.closest('[data-section-id]')?.getAttribute('data-section-id') ?? null,
        };
      }),
    );
    const shown = cards.map((card) => `${card.method} ${card.path}`).sort();
    expect(shown).toEqual(allOperations.map((op) => `${op.method} ${op.path}`).sort());

    // Customer-scoped operations sit in their own tag, under the sandbox group; flat ones never do.
    for (const card of cards) {
      const operation = allOperations.find((op) => op.method === card.method && op.path === card.path)!;
      if (operation.variant === 'customer-scoped') expect(card.section, card.path).toBe('/customer-accounts');
      else expect(card.section, card.path).not.toBe('/customer-accounts');
    }
    const sidebarGroups = await page.getByText(/^(Flat paths \(production\)|Customer-scoped paths \(sandbox\))$/).allTextContents();
    expect(sidebarGroups).toEqual(['Flat paths (production)', 'Customer-scoped paths (sandbox)']);
  });

  it('marks exactly the deprecated operations as deprecated', () => {
    const marked = cards.filter((card) => card.deprecated).map((card) => `${card.method} ${card.path}`).sort();
    const expected = allOperations.filter((op) => op.deprecated).map((op) => `${op.method} ${op.path}`).sort();
    expect(expected).toHaveLength(10);
    expect(marked).toEqual(expected);
  });

  it('shows a TypeScript SDK sample, the deprecation and the security on every operation page', async () => {
    expect(cards).toHaveLength(allOperations.length);
    for (const card of cards) {
      const operation = allOperations.find((op) => op.method === card.method && op.path === card.path)!;
      await page.locator(`[data-testid="items-navigation-list"] a[href="${card.href}"]`).first().click();
      const section = page.locator(`[data-section-id="${card.href.slice(1)}"]`);
      const code = section.locator('pre', { hasText: `togai.${operation.resource}.` }).first();
      await code.waitFor({ state: 'visible' });
      // The panel may still be updating from the previous operation, so give it time to settle.
      const expected = normalize(specSamples.get(operation.operationId) ?? '');
      await expect.poll(async () => normalize(await code.innerText()), { message: operation.operationId, timeout: 10_000 }).toBe(expected);
      const sample = normalize(await code.innerText());
      shownSamples.add(operation.operationId);

      const environment = operation.variant === 'flat' ? 'production' : 'sandbox';
      expect(sample, operation.operationId).toContain(`environment: '${environment}'`);
      expect(sample, operation.operationId).toContain(`togai.${operation.resource}.${operation.sdkMethod}(`);
      for (const name of Object.keys(operation.pathParams)) expect(sample, operation.operationId).toContain(`${camelCase(name)}: '`);
      if (operation.pagination) expect(sample).toContain(`for await (const item of togai.${operation.resource}.${operation.sdkMethod}(`);
      else expect(sample, operation.operationId).toContain(`const result = await togai.${operation.resource}.${operation.sdkMethod}(`);

      const heading = section.locator('h2').first();
      await expect(heading.innerText()).resolves.toContain(specOperationsById[operation.operationId]!.summary);
      const badge = heading.locator('[data-component-name="Tag/Tag"]', { hasText: /^deprecated$/i });
      expect(await badge.count(), operation.operationId).toBe(operation.deprecated ? 1 : 0);
      const text = await section.innerText();
      expect(text, operation.operationId).toMatch(/bearerAuth\s+or\s+apiKeyAuth/);

      if (operation.operationId === 'updatePricingSchedule') await page.screenshot({ path: screenshotPath, animations: 'disabled' });
    }
    console.log(`docs site: ${cards.length} operations listed, ${shownSamples.size} TypeScript SDK samples shown`);
    expect(shownSamples.size).toBe(allOperations.length);
    expect((await stat(screenshotPath)).size).toBeGreaterThan(10_000);
  });

  it('has samples that compile against the SDK types', async () => {
    expect([...specSamples.keys()].sort()).toEqual(allOperations.map((op) => op.operationId).sort());
    // Type-check the samples (the page shows them verbatim, see above), the package name mapped to our source.
    await mkdir(join(root, '.tmp'), { recursive: true });
    const dir = await mkdtemp(join(root, '.tmp', 'docs-samples-'));
    try {
      for (const [operationId, sample] of specSamples) await writeFile(join(dir, `${operationId}.ts`), `${sample}\nexport {};\n`);
      const tsconfig = {
        extends: relative(dir, join(root, 'tsconfig.json')),
        compilerOptions: { paths: { 'togai-accounts-unofficial': [relative(dir, join(root, 'src', 'index.ts'))] } },
        include: ['*.ts'],
      };
      await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
      const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
      const result = await exec(process.execPath, [tsc, '-p', dir, '--noEmit'], { cwd: root, timeout: 60_000 }).then(
        () => '',
        (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}` || String(error),
      );
      expect(result).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('raises no page error and requests nothing from another origin', () => {
    const origin = `${server!.url}/`;
    const offOrigin = requests.filter((url) => !url.startsWith(origin) && !/^(data|blob):/.test(url));
    expect(offOrigin).toEqual([]);
    expect(failedRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(requests.length).toBeGreaterThan(1);
  });
});
