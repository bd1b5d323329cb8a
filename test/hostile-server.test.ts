// Fault injection, round two: scripted servers on 127.0.0.1 that misbehave on purpose (redirect chains around a
// write, endless or cyclic page tokens, huge or compressed bodies, odd Retry-After values, statuses outside
// 200–599, bytes that are not HTTP, server text with secrets and escape codes). Every test counts what the
// servers received.
import { createGzip, brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  createTogaiClient,
  InternalServerError,
  NotFoundError,
  TogaiApiError,
  TogaiConnectionError,
  TogaiError,
  TogaiPaginationError,
  TogaiProtocolError,
  TogaiRedirectError,
  TogaiResponseParseError,
  TogaiResponseTooLargeError,
  type TogaiClientOptions,
} from '../src/index.js';
import { account } from './support/fixtures.js';
import { deadUrl, sendJson, type RecordedRequest } from './support/http-server.js';
import { failure, useServers } from './support/scripted.js';

const { serve, serveRaw } = useServers();

const token = 'hostile-server-token-0123456789';
const newAccount = { id: 'ACC1', name: 'Acme', customerId: 'CUS1' };

/** Retries on, but no waiting between them unless a test asks for it. */
function clientFor(url: string, options: Omit<TogaiClientOptions, 'baseUrl' | 'pathStyle'> = {}) {
  return createTogaiClient({ baseUrl: url, token, pathStyle: 'flat', silenceDeprecations: true, maxRetryDelay: 0, ...options });
}

function redirect(res: ServerResponse, status: number, location: string) {
  res.writeHead(status, { location, 'content-length': '0' });
  res.end();
}

const writesTo = (requests: RecordedRequest[], url: string) => requests.filter((r) => r.method === 'POST' && r.url === url);

const since = (start: number) => performance.now() - start;
/** Timers may fire a hair early against performance.now(); a deliberate wait is checked with this slack. */
const slack = 25;

describe('a write whose request was answered by a redirect is never resent', () => {
  const nextHop: Record<string, (res: ServerResponse) => void> = {
    '429': (res) => sendJson(res, 429, { message: 'slow down' }, { 'retry-after': '0' }),
    '503': (res) => sendJson(res, 503, { message: 'unavailable' }, { 'retry-after': '0' }),
    'a dropped connection': (res) => void res.destroy(),
  };
  const cases = [301, 302, 303, 307, 308].flatMap((status) => Object.keys(nextHop).map((outcome) => [status, outcome] as const));

  it.each(cases)('POST /accounts answered %i, then %s at the next hop: created once, not retried', async (status, outcome) => {
    const server = await serve((request, res) =>
      request.url === '/accounts' ? redirect(res, status, '/v2/accounts') : nextHop[outcome]!(res),
    );
    const error = await failure(clientFor(server.url, { maxRetries: 3 }).accounts.create({ body: newAccount }));
    expect(error).toBeInstanceOf(TogaiError);
    expect(writesTo(server.requests, '/accounts')).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
  });

  it.each([301, 302, 303, 307, 308])('POST answered %i towards a port nothing listens on: not resent', async (status) => {
    const nowhere = await deadUrl();
    const server = await serve((_, res) => redirect(res, status, `${nowhere}/v2/accounts`));
    const error = await failure(clientFor(server.url, { maxRetries: 3 }).accounts.create({ body: newAccount }));
    expect(error).toBeInstanceOf(TogaiConnectionError);
    expect(server.requests).toHaveLength(1);
  });

  it('a POST through a 308 → 308 → 307 chain across two origins, then 429: each hop once, never from the start', async () => {
    let homeUrl = '';
    const away = await serve((request, res) =>
      request.url === '/b' ? redirect(res, 307, `${homeUrl}/c`) : sendJson(res, 500, {}),
    );
    const home = await serve((request, res) => {
      if (request.url === '/accounts') return redirect(res, 308, `${away.url}/b`);
      sendJson(res, 429, { message: 'slow down' }, { 'retry-after': '0' });
    });
    homeUrl = home.url;
    const error = await failure(clientFor(home.url, { maxRetries: 3 }).accounts.create({ body: newAccount }));
    expect(error).toBeInstanceOf(TogaiApiError);
    expect(error).toMatchObject({ status: 429 });
    const all = [...home.requests, ...away.requests];
    expect(all.map((r) => `${r.method} ${r.url}`).sort()).toEqual(['POST /accounts', 'POST /b', 'POST /c']);
    expect(all.every((r) => JSON.parse(r.body).id === 'ACC1')).toBe(true);
  });

  it('a PATCH answered 307, then 503: sent once', async () => {
    const server = await serve((request, res) =>
      request.url === '/accounts/ACC1' ? redirect(res, 307, '/v2/accounts/ACC1') : sendJson(res, 503, {}, { 'retry-after': '0' }),
    );
    const error = await failure(clientFor(server.url, { maxRetries: 3 }).accounts.update({ accountId: 'ACC1', body: { name: 'New' } }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['PATCH /accounts/ACC1', 'PATCH /v2/accounts/ACC1']);
  });

  it('a keyed purchase redirected and then refused with 503 is retried whole, with the same key', async () => {
    const server = await serve((request, res, index) => {
      if (request.url === '/accounts/ACC1/purchases') return redirect(res, 307, '/v2/purchases');
      if (index < 3) return sendJson(res, 503, {}, { 'retry-after': '0' });
      sendJson(res, 200, { id: 'PUR1' });
    });
    await clientFor(server.url).accounts.createPurchase({ accountId: 'ACC1', body: { pricePlanId: 'PP1' } });
    expect(server.requests.map((r) => r.url)).toEqual([
      '/accounts/ACC1/purchases',
      '/v2/purchases',
      '/accounts/ACC1/purchases',
      '/v2/purchases',
    ]);
    expect(new Set(server.requests.map((r) => JSON.parse(r.body).idempotencyKey)).size).toBe(1);
  });

  it('a GET redirected and then answered 503 is retried from the start', async () => {
    const server = await serve((request, res, index) => {
      if (request.url === '/accounts/ACC1') return redirect(res, 302, '/v2/accounts/ACC1');
      if (index < 2) return sendJson(res, 503, {}, { 'retry-after': '0' });
      sendJson(res, 200, account);
    });
    await expect(clientFor(server.url).accounts.get({ accountId: 'ACC1' })).resolves.toEqual(account);
    expect(server.requests.map((r) => r.url)).toEqual(['/accounts/ACC1', '/v2/accounts/ACC1', '/accounts/ACC1', '/v2/accounts/ACC1']);
  });
});

describe('redirects that are not followed to the end', () => {
  it('a loop (A → B → A) fails at once with TogaiRedirectError, never retried', async () => {
    const server = await serve((request, res) =>
      redirect(res, 302, request.url === '/accounts/ACC1' ? '/b' : '/accounts/ACC1'),
    );
    const error = await failure(clientFor(server.url, { maxRetries: 3 }).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiRedirectError);
    expect(error).not.toBeInstanceOf(TogaiConnectionError);
    expect(error.message).toMatch(/loop/);
    expect(server.requests.map((r) => r.url)).toEqual(['/accounts/ACC1', '/b']);
  });

  it('a POST looping through 307s is sent around the loop once', async () => {
    const server = await serve((request, res) => redirect(res, 307, request.url === '/accounts' ? '/b' : '/accounts'));
    const error = await failure(clientFor(server.url, { maxRetries: 3 }).accounts.create({ body: newAccount }));
    expect(error).toBeInstanceOf(TogaiRedirectError);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /accounts', 'POST /b']);
  });

  it('more than 5 redirects fail with TogaiRedirectError after 6 requests, never retried', async () => {
    const server = await serve((_, res, index) => (index < 50 ? redirect(res, 301, `/hop/${index + 1}`) : sendJson(res, 200, account)));
    const error = await failure(clientFor(server.url, { maxRetries: 3 }).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiRedirectError);
    expect(error.message).toMatch(/More than 5 redirects/);
    expect(server.requests).toHaveLength(6);
  });

  it.each([
    ['an invalid URL', 'http://[::1'],
    ['ftp', 'ftp://127.0.0.1/accounts/ACC1'],
    ['file', 'file:///etc/passwd'],
    ['data', 'data:application/json,{}'],
    ['javascript', 'javascript:alert(1)'],
    ['plain http to another machine', 'http://example.com/accounts/ACC1'],
    ['plain http to a *.localhost name (DNS decides where that goes)', 'http://api.localhost/accounts/ACC1'],
    ['credentials in it', 'http://user:secret@127.0.0.1:1/accounts/ACC1'],
  ])('a Location with %s is refused with TogaiRedirectError, one request', async (_, location) => {
    const server = await serve((__, res) => redirect(res, 302, location));
    const error = await failure(clientFor(server.url, { maxRetries: 3 }).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiRedirectError);
    expect(server.requests).toHaveLength(1);
  });

  it('a Location with 8-bit escape codes and the token is cleaned before it reaches the message', async () => {
    const location = `http://[::1\x9b31m${token}\x9b0m`;
    const server = await serveRaw(() => Buffer.from(`HTTP/1.1 302 Found\r\nlocation: ${location}\r\ncontent-length: 0\r\n\r\n`, 'latin1'));
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiRedirectError);
    expect(error.message).toContain('"http://[::1[redacted]"');
  });

  it('a Location with a 7-bit escape code is not HTTP at all: TogaiProtocolError, one request', async () => {
    const server = await serveRaw(() => `HTTP/1.1 302 Found\r\nlocation: /x\x1b[31m\r\ncontent-length: 0\r\n\r\n`);
    const error = await failure(clientFor(server.url, { maxRetries: 3 }).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiProtocolError);
    expect(server.requests).toHaveLength(1);
  });
});

describe('what crosses to another origin on a redirect', () => {
  const callerHeaders = {
    'x-tenant': 'acme',
    'proxy-authorization': 'Basic cHJveHk6c2VjcmV0',
    cookie: 'session=abc',
    'accept-language': 'fr',
  };

  it.each([
    ['token', { token }],
    ['apiKey', { apiKey: token }],
  ] as const)('only harmless headers follow a 307 to another origin (%s)', async (_, credential) => {
    const other = await serve((__, res) => sendJson(res, 200, account));
    const origin = await serve((__, res) => redirect(res, 307, `${other.url}/accounts`));
    const client = createTogaiClient({ baseUrl: origin.url, pathStyle: 'flat', headers: { 'x-client-header': 'c1' }, ...credential });
    await client.accounts.create({ body: newAccount }, { headers: callerHeaders });
    const sent = origin.requests[0]!.headers;
    expect(sent).toMatchObject({ 'x-tenant': 'acme', 'x-client-header': 'c1', cookie: 'session=abc' });
    const crossed = other.requests[0]!.headers;
    for (const name of ['x-tenant', 'x-client-header', 'proxy-authorization', 'cookie', 'authorization', 'x-api-key']) {
      expect(crossed[name], name).toBeUndefined();
    }
    expect(crossed['accept-language']).toBe('fr');
    expect(crossed['content-type']).toBe('application/json');
    expect(JSON.parse(other.requests[0]!.body)).toEqual(newAccount);
    expect(JSON.stringify(crossed)).not.toContain(token);
  });

  it('a 303 to another origin drops the body and its content-type as well', async () => {
    const other = await serve((__, res) => sendJson(res, 200, account));
    const origin = await serve((__, res) => redirect(res, 303, `${other.url}/done`));
    await clientFor(origin.url).accounts.create({ body: newAccount }).catch(() => undefined);
    expect(other.requests[0]).toMatchObject({ method: 'GET', body: '' });
    expect(other.requests[0]!.headers['content-type']).toBeUndefined();
  });

  it('a chain that leaves the origin and comes back does not carry the credential back in', async () => {
    let originUrl = '';
    const other = await serve((__, res) => redirect(res, 307, `${originUrl}/accounts/ACC2`));
    const origin = await serve((request, res) =>
      request.url === '/accounts/ACC1' ? redirect(res, 307, `${other.url}/bounce`) : sendJson(res, 200, account),
    );
    originUrl = origin.url;
    await clientFor(origin.url, { headers: { 'x-tenant': 'acme' } }).accounts.get({ accountId: 'ACC1' });
    expect(origin.requests.map((r) => [r.url, r.headers.authorization, r.headers['x-tenant']])).toEqual([
      ['/accounts/ACC1', `Bearer ${token}`, 'acme'],
      ['/accounts/ACC2', undefined, undefined],
    ]);
  });

  it('a same-origin redirect keeps the caller’s headers', async () => {
    const server = await serve((request, res) =>
      request.url === '/accounts/ACC1' ? redirect(res, 308, '/v2/accounts/ACC1') : sendJson(res, 200, account),
    );
    await clientFor(server.url).accounts.get({ accountId: 'ACC1' }, { headers: { 'x-tenant': 'acme' } });
    expect(server.requests.map((r) => r.headers['x-tenant'])).toEqual(['acme', 'acme']);
  });
});

describe('answers that are not HTTP responses with a status from 200 to 599', () => {
  const replies: Array<[string, string, number | undefined]> = [
    ['status 999', 'HTTP/1.1 999 Weird\r\ncontent-length: 2\r\n\r\n{}', 999],
    ['status 600', 'HTTP/1.1 600 Beyond\r\ncontent-length: 2\r\n\r\n{}', 600],
    ['a final 1xx', 'HTTP/1.1 199 Final\r\ncontent-length: 2\r\n\r\n{}', undefined],
    ['status 000', 'HTTP/1.1 000 Zero\r\ncontent-length: 0\r\n\r\n', undefined],
    ['status 099', 'HTTP/1.1 099 Low\r\ncontent-length: 0\r\n\r\n', undefined],
    ['a 101 nobody asked for', 'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n', undefined],
    ['an unsolicited 100', 'HTTP/1.1 100 Continue\r\n\r\n', undefined],
    ['bytes that are not HTTP', 'SSH-2.0-OpenSSH_9.6\r\n\r\n', undefined],
    ['two different Content-Lengths', 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}', undefined],
    ['a 70 kB header', `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(70_000)}\r\ncontent-length: 2\r\n\r\n{}`, undefined],
  ];

  it.each(replies)('%s: one request, a TogaiProtocolError, never retried (GET)', async (_, reply, status) => {
    const server = await serveRaw(() => reply);
    const error = await failure(clientFor(server.url, { maxRetries: 3 }).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiProtocolError);
    expect(error).toMatchObject({ status, method: 'GET', path: '/accounts/ACC1' });
    if (status) expect(error.message).toContain(`status ${status}`);
    expect(server.requests).toHaveLength(1);
  });

  it.each(replies)('%s: the raw api throws the same, once', async (_, reply) => {
    const server = await serveRaw(() => reply);
    const call = clientFor(server.url).api.GET('/accounts/{account_id}', { params: { path: { account_id: 'ACC1' } } });
    expect(await failure(call)).toBeInstanceOf(TogaiProtocolError);
    expect(server.requests).toHaveLength(1);
  });

  it('a POST answered with status 999 is not resent', async () => {
    const server = await serveRaw(() => 'HTTP/1.1 999 Weird\r\ncontent-length: 0\r\n\r\n');
    expect(await failure(clientFor(server.url, { maxRetries: 3 }).accounts.create({ body: newAccount }))).toBeInstanceOf(
      TogaiProtocolError,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('a status text with escape codes and the token is cleaned', async () => {
    const server = await serveRaw(() => `HTTP/1.1 999 \x1b[2J${token}\r\ncontent-length: 0\r\n\r\n`);
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiProtocolError);
    expect(error.message).toContain('status 999 "[redacted]"');
  });
});

describe('maxResponseBytes', () => {
  const bytes = (count: number) => Buffer.alloc(count, 0x20);

  it('refuses a 200 declared larger than the cap without reading it, and does not retry', async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2048) });
      res.end(bytes(2048));
    });
    const error = await failure(clientFor(server.url, { maxResponseBytes: 1024, maxRetries: 3 }).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiResponseTooLargeError);
    expect(error).toMatchObject({ limit: 1024, method: 'GET', path: '/accounts/ACC1' });
    expect(server.requests).toHaveLength(1);
  });

  it('accepts a body of exactly the cap, and refuses one byte more', async () => {
    const body = JSON.stringify({ ...account, name: 'x'.repeat(200) });
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.end(body);
    });
    const size = Buffer.byteLength(body);
    await expect(clientFor(server.url).accounts.get({ accountId: 'ACC1' }, { maxResponseBytes: size })).resolves.toMatchObject({ id: 'ACC1' });
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }, { maxResponseBytes: size - 1 }));
    expect(error).toBeInstanceOf(TogaiResponseTooLargeError);
  });

  it('stops reading an endless chunked body soon after the cap', async () => {
    let written = 0;
    let closed = false;
    const server = await serve(async (_, res) => {
      res.on('close', () => (closed = true));
      res.writeHead(200, { 'content-type': 'application/json' });
      // Bounded: gives up at 256 MiB whatever the client does.
      while (!closed && written < 256 * 1024 * 1024) {
        written += 64 * 1024;
        if (!res.write(bytes(64 * 1024))) await new Promise((resolve) => (res.once('drain', resolve), res.once('close', resolve)));
      }
      res.end();
    });
    const error = await failure(clientFor(server.url, { maxResponseBytes: 1024 * 1024 }).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiResponseTooLargeError);
    await expect.poll(() => closed).toBe(true);
    // The cap plus what the socket buffers held when the client hung up; nowhere near the 256 MiB on offer.
    expect(written).toBeLessThan(32 * 1024 * 1024);
  });

  it.each([
    ['gzip', () => gzipSync(bytes(64 * 1024 * 1024))],
    ['br', () => brotliCompressSync(bytes(64 * 1024 * 1024))],
    ['deflate', () => deflateSync(bytes(64 * 1024 * 1024))],
  ])('counts after decompression: a small %s body that inflates to 64 MiB is refused', async (encoding, compress) => {
    const compressed = compress();
    expect(compressed.length).toBeLessThan(1024 * 1024);
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding, 'content-length': compressed.length });
      res.end(compressed);
    });
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiResponseTooLargeError);
    expect(error.message).toContain(`${16 * 1024 * 1024} bytes`); // the default cap
    expect(server.requests).toHaveLength(1);
  });

  it('counts a gzip body streamed without a length the same way', async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      const gzip = createGzip();
      gzip.pipe(res);
      gzip.end(bytes(4 * 1024 * 1024));
    });
    const error = await failure(clientFor(server.url, { maxResponseBytes: 1024 * 1024 }).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiResponseTooLargeError);
  });

  it('reads only the first 8 KiB of an error body that is a gzip bomb', async () => {
    const compressed = gzipSync(bytes(64 * 1024 * 1024));
    const server = await serve((_, res) => {
      res.writeHead(503, { 'content-type': 'text/plain', 'content-encoding': 'gzip', 'content-length': compressed.length });
      res.end(compressed);
    });
    const error = await failure(clientFor(server.url, { maxRetries: 1 }).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).body).toHaveLength(8 * 1024);
    expect(server.requests).toHaveLength(2);
  });

  it('keeps only the first 8 KiB of a huge error body, and a short message', async () => {
    const message = `${'a'.repeat(1024)} ${'b'.repeat(5 * 1024 * 1024)}`;
    const server = await serve((_, res) => sendJson(res, 500, { message }));
    const error = await failure(clientFor(server.url, { maxRetries: 0 }).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(InternalServerError);
    const { body } = error as InternalServerError;
    expect(typeof body).toBe('string'); // the cut JSON no longer parses; its start is kept as text
    expect((body as string).length).toBe(8 * 1024);
    expect((body as string).startsWith('{"message":"aaaa')).toBe(true);
    expect(error.message.length).toBeLessThan(600);
  });

  it('applies to the raw api, which throws rather than return a truncated success', async () => {
    const server = await serve((_, res) => sendJson(res, 200, { ...account, name: 'x'.repeat(4096) }));
    const api = clientFor(server.url, { maxResponseBytes: 1024 }).api;
    const error = await failure(api.GET('/accounts/{account_id}', { params: { path: { account_id: 'ACC1' } } }));
    expect(error).toBeInstanceOf(TogaiResponseTooLargeError);
  });

  it('a per-call cap overrides the client’s, both ways', async () => {
    const server = await serve((_, res) => sendJson(res, 200, { ...account, name: 'x'.repeat(4096) }));
    const client = clientFor(server.url, { maxResponseBytes: 1024 });
    await expect(client.accounts.get({ accountId: 'ACC1' }, { maxResponseBytes: 8192 })).resolves.toMatchObject({ id: 'ACC1' });
    const small = clientFor(server.url);
    expect(await failure(small.accounts.get({ accountId: 'ACC1' }, { maxResponseBytes: 1024 }))).toBeInstanceOf(
      TogaiResponseTooLargeError,
    );
  });
});

describe('Retry-After values that are not delay-seconds or an HTTP date', () => {
  it.each(['-5', '1.5', '+3', 'soon', '1e3', 'Fri, 31 Feb 2025 00:00:00 GMT', '2025-01-01T00:00:00Z', '0x10', ''])(
    'Retry-After %j falls back to the backoff (capped at maxRetryDelay 300 ms), not an immediate retry',
    async (value) => {
      const arrivals: number[] = [];
      const server = await serve((_, res, index) => {
        arrivals.push(performance.now());
        if (index === 0) return sendJson(res, 503, {}, { 'retry-after': value });
        sendJson(res, 200, account);
      });
      await clientFor(server.url, { maxRetryDelay: 300 }).accounts.get({ accountId: 'ACC1' });
      expect(server.requests).toHaveLength(2);
      expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(300 - slack);
    },
  );

  it('an HTTP date in the past and an enormous delay are both honoured within maxRetryDelay', async () => {
    const values = ['Sun, 06 Nov 1994 08:49:37 GMT', '99999999999999999999999'];
    const server = await serve((_, res, index) =>
      index < values.length ? sendJson(res, 503, {}, { 'retry-after': values[index]! }) : sendJson(res, 200, account),
    );
    const start = performance.now();
    await clientFor(server.url, { maxRetryDelay: 200 }).accounts.get({ accountId: 'ACC1' });
    expect(server.requests).toHaveLength(3);
    expect(since(start)).toBeGreaterThanOrEqual(200 - slack); // the huge one, capped
    expect(since(start)).toBeLessThan(2000);
  });
});

describe('maxRetryDelay caps every pause', () => {
  it('maxRetryDelay: 0 retries connection errors at once', async () => {
    const server = await serve((_, res) => void res.destroy());
    const start = performance.now();
    const error = await failure(clientFor(server.url, { maxRetries: 3, maxRetryDelay: 0 }).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiConnectionError);
    expect(server.requests).toHaveLength(4);
    expect(since(start)).toBeLessThan(1500); // the uncapped backoff would be at least 2.6 s
  });

  it('caps the backoff after 5xx answers without Retry-After', async () => {
    const arrivals: number[] = [];
    const server = await serve((_, res, index) => {
      arrivals.push(performance.now());
      if (index < 2) return sendJson(res, 500, {});
      sendJson(res, 200, account);
    });
    await clientFor(server.url, { maxRetryDelay: 150 }).accounts.get({ accountId: 'ACC1' });
    expect(server.requests).toHaveLength(3);
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(150 - slack);
    expect(arrivals[2]! - arrivals[0]!).toBeLessThan(1000); // uncapped: at least 1.1 s
  });
});

describe('success bodies the raw api cannot parse', () => {
  it.each([
    ['with a length', { 'content-type': 'application/json', 'content-length': '6' }],
    ['chunked', { 'content-type': 'text/html' }],
  ])('a 200 that is not JSON (%s) is a TogaiResponseParseError, not a SyntaxError', async (_, headers) => {
    const server = await serve((__, res) => {
      res.writeHead(200, headers);
      res.end('<html>');
    });
    const api = clientFor(server.url).api;
    const error = await failure(api.GET('/accounts/{account_id}', { params: { path: { account_id: 'ACC 1' } } }));
    expect(error).toBeInstanceOf(TogaiResponseParseError);
    expect(error).toMatchObject({ status: 200, method: 'GET', path: '/accounts/ACC%201' });
    expect(server.requests).toHaveLength(1);
  });

  it('parseAs: "text" still hands back the text, and an empty chunked 200 is undefined data', async () => {
    const server = await serve((request, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(request.url === '/accounts/EMPTY' ? '' : 'plain');
    });
    const api = clientFor(server.url).api;
    const text = await api.GET('/accounts/{account_id}', { params: { path: { account_id: 'ACC1' } }, parseAs: 'text' });
    expect(text.data).toBe('plain');
    const empty = await api.GET('/accounts/{account_id}', { params: { path: { account_id: 'EMPTY' } } });
    expect(empty.data).toBeUndefined();
  });
});

describe('server text in error messages', () => {
  const echo = (body: unknown, status = 401, headers: Record<string, string> = {}) =>
    serve((_, res) => sendJson(res, status, body, headers));

  it.each([
    ['token', { token }],
    ['apiKey', { apiKey: token }],
  ] as const)('a %s the server echoes is redacted from message, body, headers and JSON', async (_, credential) => {
    const server = await echo({ message: `Invalid credential Bearer ${token} (or ${encodeURIComponent(token)})`, seen: [token] }, 401, {
      'x-debug-auth': token,
      'x-request-id': `req-${token}`,
    });
    const client = createTogaiClient({ baseUrl: server.url, pathStyle: 'flat', maxRetries: 0, ...credential });
    const error = (await failure(client.accounts.get({ accountId: 'ACC1' }))) as TogaiApiError;
    expect(error.message).toContain('Invalid credential Bearer [redacted]');
    expect(error.requestId).toBe('req-[redacted]');
    for (const text of [error.message, JSON.stringify(error), JSON.stringify(error.body), error.headers.get('x-debug-auth')]) {
      expect(text).not.toContain(token);
    }
  });

  it('a 200 that echoes the token instead of JSON: the parse error does not quote it (facade and raw api)', async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`Bearer ${token}`);
    });
    const client = clientFor(server.url);
    const errors = [
      await failure(client.accounts.get({ accountId: 'ACC1' })),
      await failure(client.api.GET('/accounts/{account_id}', { params: { path: { account_id: 'ACC1' } } })),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(TogaiResponseParseError);
      // V8's SyntaxError quotes the start of the text ("Bearer hos"...); as the cause it would be in every log.
      expect(inspect(error, { depth: 8 })).not.toContain('Bearer');
    }
  });

  it('a token with quotes and backslashes is redacted in its JSON-escaped form too (a body cut short stays text)', async () => {
    const awkward = 'sk_"quoted"\\back\\slash';
    const server = await serve((_, res) => {
      const text = JSON.stringify({ message: `token ${awkward} refused`, pad: 'p'.repeat(9000) });
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(text);
    });
    const client = createTogaiClient({ baseUrl: server.url, token: awkward, pathStyle: 'flat' });
    const error = (await failure(client.accounts.get({ accountId: 'ACC1' }))) as TogaiApiError;
    expect(typeof error.body).toBe('string');
    expect(error.message).toContain('token [redacted] refused');
    expect(String(error.body)).toContain('token [redacted] refused');
  });

  it('the token echoed inside an HTML error page is redacted', async () => {
    const server = await serve((_, res) => {
      res.writeHead(403, { 'content-type': 'text/html' });
      res.end(`<html><body><p>Forbidden for <b>${token}</b></p></body></html>`);
    });
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }));
    expect(error.message).toContain('Forbidden for [redacted]');
    expect(error.message).not.toContain(token);
  });

  it('escape codes, line breaks and bidi overrides are stripped; the body keeps them', async () => {
    const message = 'line one\r\n\x1b[31mred\x1b[0m \x1b]0;title\x07 \u202eevil\u202c\u0000end';
    const server = await echo({ message }, 400);
    const error = (await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }))) as TogaiApiError;
    expect(error.message).toBe('GET /accounts/ACC1 failed with 400: line one red evil end');
    expect(error.apiMessage).toBe(message);
  });

  it('a long message is cut to 500 characters', async () => {
    const server = await echo({ message: 'm'.repeat(6000) }, 404);
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toMatch(/failed with 404: m{500}…$/);
  });

  it('a 5 MB message is cut as well (from the first 8 KiB of the body, which no longer parses)', async () => {
    const server = await echo({ message: 'm'.repeat(5_000_000) }, 404);
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toMatch(/failed with 404: \{"message":"m{488}…$/);
  });

  it('a short token is redacted only where it stands alone, so other words survive', async () => {
    const server = await echo({ message: 'bad token abc123 in abc1234' }, 401);
    const client = createTogaiClient({ baseUrl: server.url, token: 'abc123', pathStyle: 'flat' });
    const error = await failure(client.accounts.get({ accountId: 'ACC1' }));
    expect(error.message).toContain('bad token [redacted] in abc1234');
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
