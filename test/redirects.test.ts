// Redirects, against scripted servers on 127.0.0.1: which are followed and how far (loops, chains, Locations
// that are refused), what crosses to another origin (never the credential nor the caller's headers), and that a
// write answered by a redirect is never sent again from the start. Every test counts what the servers received.
import type { ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  createTogaiClient,
  InternalServerError,
  TogaiApiError,
  TogaiConnectionError,
  TogaiError,
  TogaiProtocolError,
  TogaiRedirectError,
} from '../src/index.js';
import { clientFor, token } from './support/client.js';
import { account, newAccount } from './support/fixtures.js';
import { deadUrl, sendJson, type RecordedRequest } from './support/http-server.js';
import { failure, redirect, useServers } from './support/scripted.js';

const { serve, serveRaw } = useServers();

const writesTo = (requests: RecordedRequest[], url: string) => requests.filter((r) => r.method === 'POST' && r.url === url);

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

  it('a Location quoted in the message loses its query and fragment: a signed storage URL is a credential for the file', async () => {
    const server = await serve((_, res, index) => redirect(res, 302, `/bucket/f${index}?X-Amz-Signature=signature${index}#part`));
    const error = await failure(clientFor(server.url).files.download({ fileId: 'f' }));
    expect(error).toBeInstanceOf(TogaiRedirectError);
    expect(error.message).toBe('More than 5 redirects; last Location "/bucket/f5".');
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

describe('redirects and credentials', () => {
  it.each([
    ['token', { token }, 'authorization', `Bearer ${token}`],
    ['apiKey', { apiKey: token }, 'x-api-key', token],
  ] as const)('a cross-origin redirect does not carry the %s', async (_, credential, header, value) => {
    const other = await serve((__, res) => sendJson(res, 200, account));
    const origin = await serve((__, res) => redirect(res, 307, `${other.url}/elsewhere/ACC1`));
    const client = createTogaiClient({ baseUrl: origin.url, pathStyle: 'flat', ...credential });
    await expect(client.accounts.get({ accountId: 'ACC1' })).resolves.toEqual(account);
    expect(origin.requests[0]!.headers[header]).toBe(value);
    expect(other.requests).toHaveLength(1);
    expect(other.requests[0]!.url).toBe('/elsewhere/ACC1');
    expect(other.requests[0]!.headers.authorization).toBeUndefined();
    expect(other.requests[0]!.headers['x-api-key']).toBeUndefined();
    expect(JSON.stringify(other.requests[0]!.headers)).not.toContain(token);
  });

  it('a same-origin redirect keeps the credential', async () => {
    const server = await serve((request, res) => {
      if (request.url === '/accounts/ACC1') return redirect(res, 302, '/v2/accounts/ACC1');
      sendJson(res, 200, account);
    });
    await expect(clientFor(server.url).accounts.get({ accountId: 'ACC1' })).resolves.toEqual(account);
    expect(server.requests.map((r) => [r.url, r.headers.authorization])).toEqual([
      ['/accounts/ACC1', `Bearer ${token}`],
      ['/v2/accounts/ACC1', `Bearer ${token}`],
    ]);
  });

  it('a 308 keeps the POST method and body', async () => {
    const server = await serve((request, res) => {
      if (request.url === '/accounts') return redirect(res, 308, '/v2/accounts');
      sendJson(res, 200, account);
    });
    await expect(clientFor(server.url).accounts.create({ body: newAccount })).resolves.toEqual(account);
    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests;
    expect([second!.method, second!.url]).toEqual(['POST', '/v2/accounts']);
    expect(second!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(second!.body)).toEqual(newAccount);
    expect(second!.body).toBe(first!.body);
  });

  it('a cross-origin 308 keeps the POST body but not the credential', async () => {
    const other = await serve((__, res) => sendJson(res, 200, account));
    const origin = await serve((__, res) => redirect(res, 308, `${other.url}/accounts`));
    await expect(clientFor(origin.url).accounts.create({ body: newAccount })).resolves.toEqual(account);
    expect(JSON.parse(other.requests[0]!.body)).toEqual(newAccount);
    expect(other.requests[0]!.headers.authorization).toBeUndefined();
  });
});

describe('a redirect target that carries the credential in its path or host', () => {
  // A hostile API (or a proxy before it) echoes the credential into the Location, then fails in one way or another:
  // every message, path field and JSON that names the target shows [redacted] instead.
  const fetchNoDns: typeof fetch = async (input, init) => {
    const { hostname } = new URL(input instanceof Request ? input.url : String(input));
    if (!hostname.startsWith(token)) return fetch(input, init);
    // As undici says it: the host is in the cause's message and fields.
    const cause = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname });
    throw Object.assign(new TypeError('fetch failed'), { cause });
  };
  const cases: Array<[string, (api: string, raw: string) => string, (togai: ReturnType<typeof clientFor>) => Promise<unknown>, RegExp]> = [
    ['a body over the cap', (api) => `${api}/echo/${token}/big`, (togai) => togai.accounts.get({ accountId: 'ACC1' }, { maxResponseBytes: 100 }), /GET \/echo\/\[redacted\]\/big is larger/],
    ['a status of 999', (_, raw) => `${raw}/raw/${token}`, (togai) => togai.accounts.get({ accountId: 'ACC1' }), /GET \/raw\/\[redacted\] was answered with status 999/],
    ['a malformed page', (api) => `${api}/echo/${token}/page`, (togai) => togai.accounts.list(), /A page of GET \/accounts is malformed/],
    ['a host that does not resolve', () => `https://${token}.example/x`, (togai) => togai.accounts.get({ accountId: 'ACC1' }), /Could not reach \[redacted\]\.example/],
    ['plain http to another machine', () => `http://${token}.example/x`, (togai) => togai.accounts.get({ accountId: 'ACC1' }), /redirect 302 to http:\/\/\[redacted\]\.example/],
  ];

  it.each(cases)('%s', async (_, target, call, message) => {
    const raw = await serveRaw(() => 'HTTP/1.1 999 Weird\r\ncontent-length: 0\r\n\r\n');
    const server = await serve((request, res) => {
      if (request.url.endsWith('/big')) sendJson(res, 200, { pad: 'x'.repeat(1000) });
      else if (request.url.endsWith('/page')) sendJson(res, 200, { data: 'not a list' });
      else redirect(res, 302, target(server.url, raw.url));
    });
    const error = await failure(call(clientFor(server.url, { fetch: fetchNoDns, maxRetries: 0 })));
    expect(error).toBeInstanceOf(TogaiError);
    expect(error.message).toMatch(message);
    expect(`${error.message} ${JSON.stringify(error)} ${inspect(error, { depth: 10, showHidden: true })}`).not.toContain(token);
  });
});
