// The API reference site wherever its folder is put, in headless Chromium: opened from disk (`file://`), and served
// under a project sub-path (`/some-repo/`, as GitHub Pages serves a repository's site). In both, a deep link lands on
// its operation, search finds operations, nothing fails or is logged as an error, and the SDK sample shows its
// import line whole (not under the copy button, not cut at the panel's edge). The site is built into a temporary
// folder, so this file does not race the other docs test over build/docs.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, haveChromium, launchChromium } from './support/chromium.js';
import { startServer, type TestServer } from './support/http-server.js';
import { specOperationsById } from './support/spec.js';

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const subPath = '/some-repo/';
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

/** What a visit saw: the browser's complaints and every request. */
interface Visit {
  page: Page;
  requests: string[];
  problems: string[];
}

/** The deep link's operation, its heading and the position of its sample's first line against the panel. */
interface Landing {
  heading: string;
  headingTop: number;
  firstLine: string;
  /** The first line's box, the sample's visible box (inside its padding) and the copy button's box. */
  line: { left: number; right: number; top: number; bottom: number };
  visible: { left: number; right: number; top: number; bottom: number };
  button: { left: number; right: number; top: number; bottom: number } | null;
}

/** Runs in the page: the operation section `id` as the reader sees it, or false while it is not rendered yet. */
function readLanding(id: string): Landing | false {
  const section = document.querySelector(`[data-section-id="${id}"]`);
  const pre = section?.querySelector('.panel-request-samples pre');
  const heading = section?.querySelector('h2');
  if (!section || !pre || !heading || !pre.textContent) return false;
  const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  range.setStart(pre, 0);
  // The first line: from the start of the code to its first line break.
  let firstLine = '';
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent ?? '';
    const end = text.indexOf('\n');
    if (end === -1) firstLine += text;
    else {
      firstLine += text.slice(0, end);
      range.setEnd(node, end);
      break;
    }
  }
  const rects = [...range.getClientRects()].filter((rect) => rect.width > 0);
  const box = pre.getBoundingClientRect();
  const style = getComputedStyle(pre);
  const button = [...(pre.parentElement?.querySelectorAll('[data-testid="copy-button"]') ?? [])]
    .map((element) => element.getBoundingClientRect())
    .find((rect) => rect.width > 0);
  return {
    heading: [...heading.childNodes].filter((node) => node.nodeType === Node.TEXT_NODE).map((node) => node.textContent).join('').trim(),
    headingTop: heading.getBoundingClientRect().top,
    firstLine,
    line: {
      left: Math.min(...rects.map((rect) => rect.left)),
      right: Math.max(...rects.map((rect) => rect.right)),
      top: Math.min(...rects.map((rect) => rect.top)),
      bottom: Math.max(...rects.map((rect) => rect.bottom)),
    },
    visible: {
      left: box.left + parseFloat(style.paddingLeft),
      right: box.left + pre.clientWidth - parseFloat(style.paddingRight),
      top: box.top,
      bottom: box.bottom,
    },
    button: button ? { left: button.left, right: button.right, top: button.top, bottom: button.bottom } : null,
  };
}

if (!haveChromium) console.warn(`docs-site-anywhere test skipped: ${chromiumPath} not found (CI installs chromium with apt-get).`);

describe.skipIf(!haveChromium)('the reference site opened from disk and served from a sub-path', { timeout: 120_000 }, () => {
  let dir = '';
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  /** A tag's route and the route of one of its operations (`#/invoices`, `#/invoices/getinvoice`). */
  let tagRoute = '';
  let operationRoute = '';
  let operationSummary = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'togai-docs-'));
    await exec(process.execPath, [join(root, 'scripts', 'docs.mjs'), `--out=${dir}`], { cwd: root, timeout: 100_000 });
    // The site under /some-repo/ only, as a project site is: anything else is a 404.
    server = await startServer(async (request, response) => {
      const pathname = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
      const inside = pathname.startsWith(subPath) ? pathname.slice(subPath.length) : null;
      const file = inside === null ? null : resolve(dir, inside === '' ? 'index.html' : inside);
      if (request.method !== 'GET' || !file || relative(dir, file).startsWith('..') || !(await stat(file).catch(() => null))?.isFile()) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': contentTypes[extname(file)] ?? 'application/octet-stream' });
      response.end(await readFile(file));
    });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function visit(url: string): Promise<Visit> {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 }, reducedMotion: 'reduce' });
    const seen: Visit = { page, requests: [], problems: [] };
    page.on('request', (request) => seen.requests.push(request.url()));
    page.on('requestfailed', (request) => seen.problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
    page.on('response', (answer) => {
      if (answer.status() >= 400) seen.problems.push(`${answer.status()} for ${answer.url()}`);
    });
    page.on('pageerror', (error) => seen.problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') seen.problems.push(`console ${message.type()}: ${message.text()}`);
    });
    await page.goto(url, { waitUntil: 'load' });
    await page
      .waitForFunction(() => Object.keys(document.getElementById('redoc') ?? {}).some((key) => key.startsWith('__reactContainer')), null, { timeout: 60_000 })
      .catch((error: Error) => {
        throw new Error(`Redoc never started at ${url} (${error.message.split('\n')[0]}): ${seen.problems.join('; ')}`);
      });
    return seen;
  }

  /** Opens `url` (a deep link) and returns where it landed once the operation is rendered. */
  async function land(url: string, route: string): Promise<{ seen: Visit; landing: Landing }> {
    const seen = await visit(url);
    const handle = await seen.page.waitForFunction(readLanding, route.replace(/^#/, ''), { polling: 100, timeout: 60_000 });
    return { seen, landing: (await handle.jsonValue()) as Landing };
  }

  it('has only relative paths in the page: assets as ./name, section links as #/route', async () => {
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    expect(html.match(/\b(?:src|href)="\/[^"]*"/g) ?? []).toEqual([]);
    expect(html).not.toContain('type="module"');
    expect(html).toContain('<script src="./redoc.standalone.js"></script>');
    const routes = [...html.matchAll(/\bhref="(#\/[^"]*)"/g)].map((match) => match[1]!);
    expect(routes.length).toBeGreaterThan(10);
    // A tag of the menu with a known operation under it: the route of the tag that lists getInvoice.
    const invoiceTag = specOperationsById.getInvoice!.tag!;
    tagRoute = routes.find((route) => route === `#/${invoiceTag.toLowerCase().replace(/\s+/g, '-')}`) ?? '';
    expect(tagRoute, routes.join(' ')).not.toBe('');
  });

  it('works from file://: a deep link lands on its operation, search finds it, nothing fails', async () => {
    expect(tagRoute).not.toBe('');
    const base = pathToFileURL(join(dir, 'index.html')).href;
    // The tag page first, to read the route of one of its operations as the menu links it.
    const tagVisit = await visit(`${base}${tagRoute}`);
    const operations = await tagVisit.page.waitForFunction(
      (route) => {
        const group = [...document.querySelectorAll('.menu-item-type-group')].find((item) => item.querySelector(':scope > a')?.getAttribute('href') === route);
        const links = [...(group?.querySelectorAll('.menu-item-type-operation a') ?? [])].map((a) => [a.getAttribute('href'), a.textContent?.trim()]);
        return links.length > 0 ? links : false;
      },
      tagRoute,
      { polling: 100, timeout: 60_000 },
    );
    const links = (await operations.jsonValue()) as [string, string][];
    expect(links.every(([href]) => href.startsWith(`${tagRoute}/`)), JSON.stringify(links)).toBe(true);
    const [route, text] = links.at(-1)!;
    operationRoute = route;
    // Redoc's route for an operation ends in its operationId, lower-cased; the menu entry shows its summary.
    const operation =
      Object.values(specOperationsById).find((op) => route.endsWith(`/${op.operationId.toLowerCase()}`)) ??
      Object.values(specOperationsById)
        .filter((op) => op.summary && text.includes(op.summary))
        .sort((a, b) => b.summary!.length - a.summary!.length)[0];
    operationSummary = operation?.summary ?? '';
    expect(operationSummary, `${route} ${text}`).not.toBe('');
    expect(tagVisit.problems).toEqual([]);
    await tagVisit.page.close();

    // A fresh page opened at the operation's deep link lands on it.
    const { seen, landing } = await land(`${base}${operationRoute}`, operationRoute);
    expect(landing.heading).toBe(operationSummary);
    expect(landing.headingTop).toBeGreaterThanOrEqual(0);
    expect(landing.headingTop).toBeLessThan(900);
    expect(seen.page.url()).toBe(`${base}${operationRoute}`);

    // Search: the dialog lists matches rather than staying on "Loading…".
    await seen.page.click('[data-testid="search-trigger"]');
    await seen.page.keyboard.type(operationSummary.split(' ').slice(0, 2).join(' '));
    await expect
      .poll(() => seen.page.evaluate(() => document.body.innerText), { timeout: 30_000, interval: 250 })
      .toMatch(new RegExp(`${operationSummary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(await seen.page.evaluate(() => /Loading…/.test(document.body.innerText))).toBe(false);

    expect(seen.requests.every((url) => /^(file|data|blob):/.test(url)), seen.requests.join('\n')).toBe(true);
    expect(seen.problems).toEqual([]);
    await seen.page.close();
  });

  it(`works served from a sub-path (${subPath}): a deep link lands, every request stays under it`, async () => {
    expect(operationRoute).not.toBe('');
    for (const entry of ['', 'index.html']) {
      const url = `${server!.url}${subPath}${entry}${operationRoute}`;
      const { seen, landing } = await land(url, operationRoute);
      expect(landing.heading, url).toBe(operationSummary);
      expect(landing.headingTop, url).toBeGreaterThanOrEqual(0);
      expect(landing.headingTop, url).toBeLessThan(900);
      const offPath = seen.requests.filter((request) => !request.startsWith(`${server!.url}${subPath}`) && !/^(data|blob):/.test(request));
      expect(offPath, url).toEqual([]);
      expect(seen.problems, url).toEqual([]);
      await seen.page.close();
    }
  });

  it('shows the sample whole from its import line on: below the copy button, within the panel', async () => {
    const { seen, landing } = await land(`${pathToFileURL(join(dir, 'index.html')).href}${operationRoute}`, operationRoute);
    expect(landing.firstLine).toBe("import { createTogaiClient } from 'togai-sdk-unofficial';");
    const { line, visible, button } = landing;
    expect(button).not.toBeNull();
    const overlaps = !(line.right <= button!.left || line.left >= button!.right || line.bottom <= button!.top || line.top >= button!.bottom);
    expect(overlaps, JSON.stringify(landing)).toBe(false);
    expect(line.left, JSON.stringify(landing)).toBeGreaterThanOrEqual(visible.left - 1);
    expect(line.right, JSON.stringify(landing)).toBeLessThanOrEqual(visible.right + 1);
    await seen.page.close();
  });
});
