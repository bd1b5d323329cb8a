// Paginated lists, against scripted servers on 127.0.0.1: walking items and pages, page tokens forwarded with the
// query, cycles of tokens detected (in bounded memory), malformed pages as errors rather than the end of the
// list, and a failed page not kept.
import { describe, expect, it, test } from 'vitest';
import { createTogaiClient, InternalServerError, TogaiError, TogaiPaginationError } from '../src/index.js';
import { useBundledSdk } from './support/bundled-sdk.js';
import { clientFor } from './support/client.js';
import { account } from './support/fixtures.js';
import { sendJson } from './support/http-server.js';
import { failure, useServers } from './support/scripted.js';

const { serve } = useServers();

describe('pagination', () => {
  const pages = [
    { data: [{ ...account, id: 'A1' }, { ...account, id: 'A2' }], nextToken: 'p2' },
    { data: [{ ...account, id: 'A3' }], nextToken: 'p3' },
    { data: [{ ...account, id: 'A4' }] },
  ];
  const pagedServer = () =>
    serve((req, res) => {
      const token = new URL(req.url, 'http://x').searchParams.get('nextToken');
      sendJson(res, 200, pages[token === null ? 0 : Number(token.slice(1)) - 1]);
    });

  test('for await walks every item across pages, forwarding query parameters', async () => {
    const api = await pagedServer();
    const togai = createTogaiClient({ baseUrl: api.url, token: 't' });
    const ids: string[] = [];
    for await (const item of togai.accounts.list({ query: { pageSize: 2 } })) ids.push(item.id);
    expect(ids).toEqual(['A1', 'A2', 'A3', 'A4']);
    expect(api.requests.map((r) => r.url)).toEqual([
      '/accounts?pageSize=2',
      '/accounts?pageSize=2&nextToken=p2',
      '/accounts?pageSize=2&nextToken=p3',
    ]);
  });

  test('one page at a time, and awaiting the list gives the first page once', async () => {
    const api = await pagedServer();
    const togai = createTogaiClient({ baseUrl: api.url, token: 't' });
    const list = togai.accounts.list();
    const first = await list;
    await list;
    expect(first.items.map((a) => a.id)).toEqual(['A1', 'A2']);
    expect(first.hasNextPage()).toBe(true);
    const second = await first.getNextPage();
    expect(second.nextToken).toBe('p3');
    const sizes: number[] = [];
    for await (const page of togai.accounts.list().pages()) sizes.push(page.items.length);
    expect(sizes).toEqual([2, 1, 1]);
    expect(api.requests).toHaveLength(2 + 3);
  });

  test('a server repeating its token does not loop forever', async () => {
    const api = await serve((_, res) => sendJson(res, 200, { data: [account], nextToken: 'same' }));
    const togai = createTogaiClient({ baseUrl: api.url, token: 't' });
    const drain = async () => {
      for await (const _ of togai.accounts.list()) void _;
    };
    await expect(drain()).rejects.toThrow(/endless loop/);
    expect(api.requests.length).toBeLessThanOrEqual(3);
  });
});

describe('pagination against a server that goes round in circles', () => {
  const cyclic = (tokens: string[]) =>
    serve((request, res) => {
      const current = new URL(request.url, 'http://x').searchParams.get('nextToken');
      const next = current === null ? tokens[0]! : tokens[(tokens.indexOf(current) + 1) % tokens.length]!;
      sendJson(res, 200, { data: [{ ...account, id: `after-${current}` }], nextToken: next });
    });

  it.each([[['A']], [['A', 'B']], [['A', 'B', 'C']], [['A', 'B', 'C', 'D', 'E', 'F', 'G']]])(
    'tokens cycling through %j: TogaiPaginationError within two laps',
    async (tokens) => {
      const server = await cyclic(tokens);
      const seen: string[] = [];
      const error = await failure(async () => {
        for await (const item of clientFor(server.url).accounts.list()) seen.push(item.id);
      });
      expect(error).toBeInstanceOf(TogaiPaginationError);
      expect(error.message).toMatch(/endless loop/);
      // Cycle detection keeps one token, not every token seen (Brent's method), and so needs up to a second lap.
      expect(server.requests.length).toBeGreaterThan(tokens.length);
      expect(server.requests.length).toBeLessThanOrEqual(2 * (tokens.length + 1));
      expect(seen).toHaveLength(server.requests.length);
    },
  );

  it('getNextPage() on the last page throws TogaiPaginationError', async () => {
    const server = await serve((_, res) => sendJson(res, 200, { data: [account] }));
    const page = await clientFor(server.url).accounts.list();
    expect(page.hasNextPage()).toBe(false);
    expect(await failure(page.getNextPage())).toBeInstanceOf(TogaiPaginationError);
    expect(server.requests).toHaveLength(1);
  });
});

describe('a failed page is not kept', () => {
  it('awaiting or iterating the list again asks for the first page again', async () => {
    const server = await serve((_, res, index) =>
      index === 0 ? sendJson(res, 500, { message: 'flaky' }) : sendJson(res, 200, { data: [account] }),
    );
    const list = clientFor(server.url, { maxRetries: 0 }).accounts.list();
    expect(await failure(Promise.resolve(list))).toBeInstanceOf(InternalServerError);
    const page = await list;
    expect(page.items).toEqual([account]);
    const again: unknown[] = [];
    for await (const item of list) again.push(item);
    expect(again).toEqual([account]);
    expect(server.requests).toHaveLength(2); // the failure, then one success kept for both
  });
});

describe('pagination detects cycles in bounded memory', () => {
  // The SDK's public entry point bundled from src/, so a plain `node --expose-gc` child can import it.
  const { runScript } = useBundledSdk('pagination-memory');

  const mib = 1024 * 1024;

  /**
   * How the memory is measured, and why it is deterministic: the walk runs in a child `node --expose-gc` process
   * of its own (no vitest, no other test), which forces two full collections before each reading, so `heapUsed`
   * is what is still reachable. The baseline is taken after the first page, once the SDK is loaded; growth is
   * read every 20 pages during the walk and once after it. Retaining the 80 tokens of 1 MiB grows it by about
   * 80 MiB; a walk that keeps O(1) tokens stays within a few MiB.
   *
   * The pages come from the client's `fetch` option, inside the child, not from a loopback server: Node's own
   * fetch keeps every request URL (here 1 MiB each, the token is in the query) in the performance timeline's
   * resource-timing buffer, up to 250 entries, which would swamp the reading with memory that is not the SDK's;
   * and 80 requests with 1 MiB URLs through undici and node:http take 3–5 s. This `fetch` keeps nothing: it
   * reads the page number off the token it is sent, checks the token is the one it handed out, and answers.
   */
  const walker = `
import { createTogaiClient } from './sdk.mjs';
const filler = 'x'.repeat(${mib});
const pages = 80;
let requests = 0, wrongTokens = 0;
const servePages = async (input) => {
  requests += 1;
  const url = typeof input === 'string' ? input : input.url;
  const at = url.indexOf('nextToken=');
  let index = 0;
  if (at !== -1) {
    // The token handed out was "<page>:" and 1 MiB of "x"; the colon may travel percent-encoded.
    const sent = url.slice(at + 'nextToken='.length);
    let digits = 0;
    while (sent.charCodeAt(digits) >= 48 && sent.charCodeAt(digits) <= 57) digits += 1;
    const colon = sent[digits] === ':' ? 1 : sent.slice(digits, digits + 3).toUpperCase() === '%3A' ? 3 : 0;
    index = Number(sent.slice(0, digits)) + 1;
    const rest = sent.slice(digits + colon);
    if (digits === 0 || colon === 0 || rest.length !== filler.length || rest !== filler) wrongTokens += 1;
  }
  const body = { data: [{ id: 'ACC' + index, name: 'Acme', customerId: 'CUS1', status: 'ACTIVE' }] };
  if (index < pages) body.nextToken = index + ':' + filler; // each token distinct, 1 MiB
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
};
const togai = createTogaiClient({ baseUrl: 'http://127.0.0.1:9', token: 'memory-walk-token-0123456789', pathStyle: 'flat', maxRetryDelay: 0, fetch: servePages });
const heap = () => { performance.clearResourceTimings(); globalThis.gc(); globalThis.gc(); return process.memoryUsage().heapUsed; };
let baseline = 0, peak = 0, walked = 0, items = 0, error;
try {
  for await (const page of togai.accounts.list().pages()) {
    walked += 1;
    items += page.items.length;
    if (walked === 1) baseline = heap();
    else if (walked % 20 === 0) peak = Math.max(peak, heap() - baseline);
  }
} catch (caught) {
  error = String(caught?.name) + ': ' + String(caught?.message).slice(0, 200);
}
const after = heap() - baseline;
console.log(JSON.stringify({ pages: walked, items, requests, wrongTokens, peakMiB: peak / ${mib}, afterMiB: after / ${mib}, error }));
`;

  const runWalker = () => runScript(walker, { nodeArgs: ['--expose-gc'] });

  it('80 pages with 1 MiB page tokens: retained heap grows < 20 MiB during the walk and after it', async () => {
    const result = await runWalker();
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout.trim().split('\n').pop()!) as {
      pages: number;
      items: number;
      requests: number;
      wrongTokens: number;
      peakMiB: number;
      afterMiB: number;
      error?: string;
    };
    expect(report.error).toBeUndefined();
    expect([report.pages, report.items, report.requests, report.wrongTokens]).toEqual([81, 81, 81, 0]);
    expect(report.peakMiB, 'retained heap growth during the walk, MiB').toBeLessThan(20);
    expect(report.afterMiB, 'retained heap growth after the walk, MiB').toBeLessThan(20);
  });

  /** Page tokens `prefix` distinct ones, then `cycle` repeating for ever. */
  async function cyclingServer(prefixLength: number, cycleLength: number) {
    const sequence = [
      ...Array.from({ length: prefixLength }, (_, i) => `distinct-${i}`),
      ...Array.from(
        { length: cycleLength },
        (_, i) => `cycle-${String.fromCharCode(65 + (i % 26))}${Math.floor(i / 26)}`,
      ),
    ];
    return serve((request, res) => {
      const current = new URL(request.url, 'http://x').searchParams.get('nextToken');
      const at = current === null ? -1 : sequence.indexOf(current);
      const next = at + 1 < sequence.length ? at + 1 : prefixLength;
      sendJson(res, 200, { data: [{ ...account, id: `after-${current}` }], nextToken: sequence[next] });
    });
  }

  it.each([
    ['A → B → C → A', 0, 3],
    ['a cycle of one token', 0, 1],
    ['a long cycle of 200 tokens', 0, 200],
    ['a cycle of 3 that starts after 100 distinct pages', 100, 3],
    ['a cycle of 50 that starts after 100 distinct pages', 100, 50],
  ])('(kept) %s: TogaiPaginationError within 3 × (start + length) requests', async (_, start, length) => {
    const server = await cyclingServer(start, length);
    const error = await failure(async () => {
      for await (const item of clientFor(server.url).accounts.list()) void item;
    });
    expect(error).toBeInstanceOf(TogaiPaginationError);
    expect(server.requests.length).toBeGreaterThan(start + length);
    // Brent's method keeps one token and finds a cycle by its second lap or so: at most about 2.3 × its length
    // when it starts at once, 2 × its start plus its length when it starts late.
    expect(server.requests.length).toBeLessThanOrEqual(3 * (start + length) + 2);
  });
});

describe('a malformed page is an error, not the end of the list', () => {
  /** Page 1 is `first`; page 2 (asked for with token "p2") is `second`. */
  const pagesServer = (first: object, second: object = { data: [] }) =>
    serve((request, res) => {
      const current = new URL(request.url, 'http://x').searchParams.get('nextToken');
      sendJson(res, 200, current === null ? first : second);
    });

  async function walk(list: AsyncIterable<unknown>) {
    const seen: unknown[] = [];
    for await (const item of list) seen.push(item);
    return seen;
  }

  it.each([
    ['a number', 42],
    ['an object', { token: 'p2' }],
    ['true', true],
    ['an array', ['p2']],
  ])('a nextToken that is %s: for await rejects with a TogaiError naming nextToken', async (_, nextToken) => {
    const server = await pagesServer({ data: [account], nextToken });
    const error = await failure(walk(clientFor(server.url).accounts.list()));
    expect(error).toBeInstanceOf(TogaiError);
    expect(error.message).toMatch(/nextToken/);
  });

  it.each([
    ['an object', {}],
    ['a string', 'x'],
    ['a number', 7],
  ])('items ("data") that are %s: for await rejects with a TogaiError naming the field', async (_, data) => {
    const server = await pagesServer({ data, nextToken: 'p2' });
    const error = await failure(walk(clientFor(server.url).accounts.list()));
    expect(error).toBeInstanceOf(TogaiError);
    expect(error.message).toMatch(/\bdata\b/);
  });

  it('a malformed second page (nextToken 7) rejects after the first page’s items', async () => {
    const server = await pagesServer({ data: [account], nextToken: 'p2' }, { data: [account], nextToken: 7 });
    const seen: unknown[] = [];
    const error = await failure(async () => {
      for await (const item of clientFor(server.url).accounts.list()) seen.push(item);
    });
    expect(error).toBeInstanceOf(TogaiError);
    expect(error.message).toMatch(/nextToken/);
    expect(seen.length).toBeGreaterThanOrEqual(1);
  });

  it('a second page whose data is an object rejects; so does the page-by-page walk', async () => {
    const server = await pagesServer({ data: [account], nextToken: 'p2' }, { data: { 0: account } });
    const error = await failure(walk(clientFor(server.url).accounts.list().pages()));
    expect(error).toBeInstanceOf(TogaiError);
    expect(error.message).toMatch(/\bdata\b/);
  });

  it('events.list, whose items field is "events": events that are an object reject, naming "events"', async () => {
    const server = await pagesServer({ events: { id: 'E1' }, nextToken: 'p2' });
    const error = await failure(walk(clientFor(server.url).events.list()));
    expect(error).toBeInstanceOf(TogaiError);
    expect(error.message).toMatch(/\bevents\b/);
  });

  it.each([
    ['nextToken: null', { data: [account], nextToken: null }],
    ['no nextToken', { data: [account] }],
  ])('(kept) a page with %s ends the walk normally', async (_, page) => {
    const server = await pagesServer(page);
    await expect(walk(clientFor(server.url).accounts.list())).resolves.toEqual([account]);
    expect(server.requests).toHaveLength(1);
  });

  it('(kept) a page without the items field counts as empty, and the walk goes on', async () => {
    const server = await pagesServer({ nextToken: 'p2' }, { data: [account] });
    await expect(walk(clientFor(server.url).accounts.list())).resolves.toEqual([account]);
    expect(server.requests).toHaveLength(2);
  });
});
