// The API reference site from `npm run docs`, opened in headless Chromium the way a reader would: served from
// a 127.0.0.1 origin, every tag of the side menu opened and its operation pages scrolled through. It must list
// every operation under its area (the spec's tag groups), mark exactly the deprecated ones, show a TypeScript SDK
// sample on every operation page, and load nothing from any other origin.
//
// Redoc renders only the operations of the open tag, and those lazily while the reader scrolls, so the visit opens
// each tag once and reads all of its operation pages in one pass rather than navigating to every operation.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { extname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { chromiumPath, haveChromium, launchChromium } from './support/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/http-server.js';
import { deref, spec, specOperationsById, type Json } from './support/spec.js';

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const docsDir = join(root, 'build', 'docs');
const screenshotPath = join(root, 'build', 'docs-screenshot.png');
const allOperations = Object.values(specOperationsById);
const key = (op: { method: string; path: string }) => `${op.method} ${op.path}`;
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};
/** Line-end whitespace and the final newline differ between the spec and the rendered `<pre>`. */
const normalize = (code: string) => code.replace(/[ \t\u00a0]+$/gm, '').trim();
const camelCase = (name: string) => name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

function specOperation(op: { method: string; path: string }): { item: Json; operation: Json } {
  const item = deref(spec.paths[op.path])!;
  return { item, operation: item[op.method.toLowerCase()] as Json };
}

/** Names of the query parameters an operation requires (the sample must pass them). */
function requiredQueryParams(op: { method: string; path: string }): string[] {
  const { item, operation } = specOperation(op);
  return [...(item.parameters ?? []), ...(operation.parameters ?? [])]
    .map((parameter: Json) => deref(parameter)!)
    .filter((parameter) => parameter.in === 'query' && parameter.required)
    .map((parameter) => parameter.name as string);
}

/** The security requirement as the page words it: `bearerAuth or apiKeyAuth`. */
function securityText(op: { method: string; path: string }): string {
  const requirements = (specOperation(op).operation.security ?? spec.security) as Record<string, string[]>[];
  return requirements.map((requirement) => Object.keys(requirement).join(' and ')).join(' or ');
}

/** A tag of the side menu and the area (tag group heading) it sits under. */
interface MenuTag {
  area: string | null;
  name: string;
  /** The tag's section id, which is also its route (`/accounts`). */
  id: string;
}

/** An operation as the reader finds it: its entry in the side menu and its rendered page. */
interface OperationPage {
  /** The menu tag the operation was listed under. */
  tag: string;
  menuMethod: string;
  menuDeprecated: boolean;
  sectionId: string;
  /** Method and path from the header of the sample panel. */
  method: string;
  path: string;
  heading: string;
  headingBadges: string[];
  /** The TypeScript SDK sample as the sample panel shows it. */
  sample: string;
  /** The text of the page's Markdown (its description). */
  description: string;
  /** The security requirement as the Security panel words it (`bearerAuth or apiKeyAuth`). */
  security: string;
}

/** Reads the side menu: tag group headings (separators) and, under each, the tags. */
function readMenu(): MenuTag[] {
  const tags: MenuTag[] = [];
  let area: string | null = null;
  for (const item of document.querySelectorAll('[data-component-name="Menu/MenuItem"]')) {
    const label = item.querySelector('[data-text]')?.getAttribute('data-text') ?? '';
    if (item.classList.contains('menu-item-type-separator')) area = label;
    else if (item.classList.contains('menu-item-type-group')) {
      tags.push({ area, name: label, id: item.querySelector(':scope > a')?.getAttribute('href') ?? '' });
    }
  }
  return tags;
}

/**
 * With a tag open, returns the pages of all operations the menu lists under it, or `false` while one is still
 * unrendered, after scrolling that one into view (Redoc mounts an operation when it nears the viewport).
 * Runs in the page, polled by waitForFunction.
 */
function readOpenTag(tagId: string): Omit<OperationPage, 'tag'>[] | false {
  const group = [...document.querySelectorAll('.menu-item-type-group')].find(
    (item) => item.querySelector(':scope > a')?.getAttribute('href') === tagId,
  );
  const entries = [...(group?.querySelectorAll('.menu-item-type-operation') ?? [])];
  if (entries.length === 0) return false;
  const pages: Omit<OperationPage, 'tag'>[] = [];
  for (const entry of entries) {
    const sectionId = (entry.querySelector('a')?.getAttribute('href') ?? '').replace(/^#/, '');
    const section = document.querySelector(`[data-section-id="${sectionId}"]`);
    const code = section?.querySelector('.panel-request-samples pre');
    if (!section || !code) {
      section?.scrollIntoView({ block: 'start' });
      return false;
    }
    const methodTag = section.querySelector('.panel-request-samples [data-component-name="Tag/Tag"]');
    const heading = section.querySelector('h2');
    const menuMethod = entry.querySelector('[data-component-name="Tags/HttpTag"]');
    pages.push({
      menuMethod: (menuMethod?.textContent ?? '').trim().toUpperCase(),
      menuDeprecated: menuMethod?.classList.contains('tag-http-deprecated') ?? false,
      sectionId,
      method: (methodTag?.textContent ?? '').trim().toUpperCase(),
      path: (methodTag?.nextElementSibling?.textContent ?? '').trim(),
      heading: [...(heading?.childNodes ?? [])].filter((node) => node.nodeType === Node.TEXT_NODE).map((node) => node.textContent).join('').trim(),
      headingBadges: [...(heading?.querySelectorAll('[data-component-name="Tag/Tag"]') ?? [])].map((tag) => (tag.textContent ?? '').trim()),
      sample: code.textContent ?? '',
      description: [...section.querySelectorAll('[data-testid="middle-panel"] [data-component-name="Markdown/Markdown"]')]
        .map((markdown) => markdown.textContent)
        .join('\n'),
      security: [...section.querySelectorAll('[data-testid="middle-panel"] [data-component-name="Panel/Panel"]')]
        .find((panel) => /^Security/.test(panel.textContent ?? ''))
        ?.querySelector('[data-testid="panel-body"]')?.textContent ?? '',
    });
  }
  return pages;
}

if (!haveChromium) console.warn(`docs-site test skipped: ${chromiumPath} not found (CI installs chromium with apt-get).`);

describe.skipIf(!haveChromium)('API reference site (headless Chromium)', { timeout: 120_000 }, () => {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let buildOutput = '';
  let builtSpec: Json = {};
  const requests: string[] = [];
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];
  /** Tags whose operation pages did not all render. */
  const unrendered: string[] = [];
  let menu: MenuTag[] = [];
  const pages: OperationPage[] = [];
  /** operationId → the TypeScript sample in the built spec (build/docs/openapi.json). */
  const specSamples = new Map<string, string>();
  /** The samples' type check, run by tsc beside the browser; resolves with tsc's complaints ('' when none). */
  let sampleTypeCheck: Promise<string> = Promise.resolve('not run');
  const pageOf = (op: { method: string; path: string }) => pages.find((shown) => key(shown) === key(op));

  beforeAll(async () => {
    const started = performance.now();
    const { stdout } = await exec(process.execPath, [join(root, 'scripts', 'docs.mjs')], { cwd: root, timeout: 100_000 });
    buildOutput = `${stdout.trim()} (wall ${((performance.now() - started) / 1000).toFixed(1)} s)`;
    console.log(`docs build: ${buildOutput}`);
    builtSpec = JSON.parse(await readFile(join(docsDir, 'openapi.json'), 'utf8')) as Json;
    for (const item of Object.values(builtSpec.paths as Record<string, Record<string, Json>>)) {
      for (const operation of Object.values(item)) {
        const sample = (operation['x-codeSamples'] as { lang: string; source: string }[] | undefined)?.find((entry) => entry.lang === 'TypeScript');
        if (operation.operationId && sample) specSamples.set(operation.operationId, sample.source);
      }
    }
    sampleTypeCheck = typeCheckSamples(specSamples);

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
    // Reduced motion makes Redoc jump to a section instead of animating the scroll.
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, reducedMotion: 'reduce' });
    page.on('request', (request) => requests.push(request.url()));
    page.on('requestfailed', (request) => failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`));
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(`${server.url}/`, { waitUntil: 'load' });
    // The HTML is prerendered; wait until Redoc's script has taken the page over (React's root marker).
    await page
      .waitForFunction(() =>
        Object.keys(document.getElementById('redoc') ?? {}).some((key) => key.startsWith('__reactContainer')),
      )
      .catch((error: Error) => {
        throw new Error(`Redoc never started (${error.message}); requests: ${requests.join(', ')}; page errors: ${pageErrors.join(', ')}`);
      });

    // The reader's visit: open every tag of the menu and read all of its operation pages.
    menu = await page.evaluate(readMenu);
    const walkStarted = performance.now();
    for (const tag of menu) {
      await page.evaluate((id) => {
        window.location.hash = `#${id}`;
      }, tag.id);
      const found = await page
        .waitForFunction(readOpenTag, tag.id, { polling: 100, timeout: 60_000 })
        .then((handle) => handle.jsonValue() as Promise<Omit<OperationPage, 'tag'>[]>)
        .catch((error: Error) => {
          unrendered.push(`${tag.name}: ${error.message.split('\n')[0]}`);
          return [];
        });
      pages.push(...found.map((shown) => ({ ...shown, tag: tag.name })));
    }
    console.log(`docs site: ${menu.length} tags opened, ${pages.length} operation pages read in ${((performance.now() - walkStarted) / 1000).toFixed(1)} s`);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('builds build/docs with its own copy of Redoc', async () => {
    expect(buildOutput).toMatch(new RegExp(`: ${allOperations.length} operations with SDK samples`));
    const html = await readFile(join(docsDir, 'index.html'), 'utf8');
    expect(html).toContain('<script src="./redoc.standalone.js"></script>');
    expect(requests).toContain(`${server!.url}/redoc.standalone.js`);
  });

  it('groups the side menu by area as the tag groups of the spec say', () => {
    const shown = new Map<string, string[]>();
    for (const tag of menu) shown.set(tag.area ?? '(none)', [...(shown.get(tag.area ?? '(none)') ?? []), tag.name]);
    const groups = spec['x-tagGroups'] as { name: string; tags: string[] }[];
    expect(groups.length).toBeGreaterThan(1);
    expect([...shown].map(([name, tags]) => ({ name, tags }))).toEqual(groups.map(({ name, tags }) => ({ name, tags })));

    // The customer-scoped (sandbox) operations have an area of their own, which no flat operation shares.
    const areaOf = new Map(menu.map((tag) => [tag.name, tag.area]));
    const areas = (variant: string) => new Set(allOperations.filter((op) => op.variant === variant).map((op) => areaOf.get(op.tag ?? '')));
    const [sandboxArea, ...others] = areas('customer-scoped');
    expect(sandboxArea).toMatch(/sandbox/i);
    expect(others).toEqual([]);
    expect(areas('flat').has(sandboxArea)).toBe(false);
  });

  it('lists every operation with its method and path under its tag and area', () => {
    expect(unrendered).toEqual([]);
    expect(pages.map(key).sort()).toEqual(allOperations.map(key).sort());
    for (const op of allOperations) {
      const shown = pageOf(op)!;
      expect(shown.tag, op.operationId).toBe(op.tag);
      expect(shown.menuMethod, op.operationId).toBe(op.method);
      expect(shown.heading, op.operationId).toBe(op.summary);
    }
  });

  it('marks exactly the deprecated operations as deprecated, in the menu and on their pages', () => {
    const expected = allOperations.filter((op) => op.deprecated).map(key).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(pages.filter((shown) => shown.menuDeprecated).map(key).sort()).toEqual(expected);
    expect(pages.filter((shown) => shown.headingBadges.some((badge) => /^deprecated$/i.test(badge))).map(key).sort()).toEqual(expected);
  });

  it('shows the TypeScript SDK sample and the security on every operation page', () => {
    expect(pages).toHaveLength(allOperations.length);
    for (const op of allOperations) {
      const shown = pageOf(op)!;
      const sample = normalize(shown.sample);
      const call = `togai.${op.resource}.${op.sdkMethod}(`;
      expect(sample, op.operationId).toBe(normalize(specSamples.get(op.operationId) ?? ''));
      expect(sample, op.operationId).toContain(`environment: '${op.variant === 'flat' ? 'production' : 'sandbox'}'`);
      expect(sample, op.operationId).toContain(op.pagination ? `for await (const item of ${call}` : `const result = await ${call}`);
      for (const name of Object.keys(op.pathParams)) expect(sample, op.operationId).toContain(`${camelCase(name)}: '`);
      for (const name of requiredQueryParams(op)) expect(sample, `${op.operationId} ${name}`).toMatch(new RegExp(`query: \\{[^]*\\b${name}: `));
      expect(sample.includes('// Deprecated:'), op.operationId).toBe(op.deprecated);
      expect(shown.security, op.operationId).toBe(securityText(op));
    }
  });

  it("names a deprecated operation's successor in its sample and description", async () => {
    const withSuccessor = allOperations.filter((op) => op.successor);
    expect(withSuccessor.length).toBeGreaterThan(0);
    for (const op of withSuccessor) {
      const shown = pageOf(op)!;
      expect(shown.sample, op.operationId).toContain(`// Successor: togai.${op.successor}().`);
      expect(shown.description, op.operationId).toContain(`Successor: use togai.${op.successor}()`);
    }
    // A picture of one such page, with the side menu's areas, for a person to look at.
    const op = withSuccessor.find((candidate) => candidate.pagination) ?? withSuccessor[0]!;
    await page.evaluate((id) => {
      window.location.hash = `#${id}`;
    }, pageOf(op)!.sectionId);
    await page.locator(`[data-section-id="${pageOf(op)!.sectionId}"] .panel-request-samples pre`).waitFor({ state: 'visible' });
    // Redoc may still be painting after a tag opens (slow on a loaded machine): a blank frame is a few KB, so
    // take the picture again until it shows the page.
    await expect
      .poll(
        async () => {
          await page.screenshot({ path: screenshotPath, animations: 'disabled' });
          return (await stat(screenshotPath)).size;
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBeGreaterThan(10_000);
  });

  it('has samples that compile against the SDK types', async () => {
    expect([...specSamples.keys()].sort()).toEqual(allOperations.map((op) => op.operationId).sort());
    expect(await sampleTypeCheck).toBe('');
  });

  it('raises no page error and requests nothing from another origin', () => {
    const origin = `${server!.url}/`;
    const offOrigin = requests.filter((url) => !url.startsWith(origin) && !/^(data|blob):/.test(url));
    expect(offOrigin).toEqual([]);
    expect(failedRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(requests.length).toBeGreaterThan(1);
  });
});

/**
 * Type-checks the samples (the pages show them verbatim, see above) against src/, the package name mapped to our
 * source. Resolves with tsc's output, '' when they compile.
 */
async function typeCheckSamples(samples: Map<string, string>): Promise<string> {
  await mkdir(join(root, '.tmp'), { recursive: true });
  const dir = await mkdtemp(join(root, '.tmp', 'docs-samples-'));
  try {
    for (const [operationId, sample] of samples) await writeFile(join(dir, `${operationId}.ts`), `${sample}\nexport {};\n`);
    const tsconfig = {
      extends: relative(dir, join(root, 'tsconfig.json')),
      compilerOptions: { paths: { 'togai-sdk-unofficial': [relative(dir, join(root, 'src', 'index.ts'))] } },
      include: ['*.ts'],
    };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    return await exec(process.execPath, [tsc, '-p', dir, '--noEmit'], { cwd: root, timeout: 120_000 }).then(
      () => '',
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}` || String(error),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
