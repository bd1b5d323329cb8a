// The raw api (`client.api`, openapi-fetch's client behind the SDK's transport), against scripted servers on
// 127.0.0.1: a call's own base URL (validated like the client's, the credential only to the client's origin),
// raw paths that must start with one "/" and stay on the base URL's origin, what only the SDK decides, and
// success bodies it cannot parse. How its Response behaves: responses.test.ts.
import { describe, expect, it } from 'vitest';
import { createTogaiClient, TogaiResponseParseError, TogaiValidationError } from '../src/index.js';
import { clientFor, token } from './support/client.js';
import { account } from './support/fixtures.js';
import { sendJson } from './support/http-server.js';
import { failure, useServers } from './support/scripted.js';

const { serve, answering } = useServers();

describe("a raw-api call's own base URL", () => {
  it.each([
    ['upper-case scheme and host', (url: string) => url.replace('http://127.0.0.1', 'HTTP://127.0.0.1')],
    ['an extra path', (url: string) => `${url}/extra`],
    ['a trailing slash', (url: string) => `${url}/`],
    ['another loopback origin', () => 'http://localhost:1'],
  ])('with %s still validates path parameters: ".." is refused, nothing sent', async (_, base) => {
    const server = await answering();
    const { api } = clientFor(server.url);
    const call = api.DELETE('/accounts/{account_id}', { baseUrl: base(server.url), params: { path: { account_id: '..' } } });
    const error = await failure(call);
    expect(error).toBeInstanceOf(TogaiValidationError);
    expect(error.message).toContain('account_id must not be ".."');
    expect(server.requests).toHaveLength(0);
  });

  it.each(['/#', '/?', '/?#', '/v1?x=1'])('<server>%s is refused like the client’s, nothing sent', async (suffix) => {
    const server = await answering();
    const { api } = clientFor(server.url);
    const call = api.GET('/accounts/{account_id}', { baseUrl: `${server.url}${suffix}`, params: { path: { account_id: 'ACC1' } } });
    expect(await failure(call)).toBeInstanceOf(TogaiValidationError);
    expect(server.requests).toHaveLength(0);
  });

  it.each(['http://example.com', 'ftp://127.0.0.1', 'not a url', 'http://user:pass@127.0.0.1:1'])(
    '%s is refused before anything is built',
    async (baseUrl) => {
      const { api } = clientFor('http://127.0.0.1:1');
      const call = api.GET('/accounts/{account_id}', { baseUrl, params: { path: { account_id: 'ACC1' } } });
      expect(await failure(call)).toBeInstanceOf(TogaiValidationError);
    },
  );

  it("another origin gets neither the credential nor the client's own headers (\"never to another origin\"); the call's own headers it does", async () => {
    const server = await answering();
    const other = await answering();
    const { api } = clientFor(server.url, { headers: { 'x-team-secret': 'team-secret-0123456789' } });
    const params = { path: { account_id: 'ACC1' } };
    await api.GET('/accounts/{account_id}', { params });
    await api.GET('/accounts/{account_id}', { baseUrl: other.url.replace('127.0.0.1', 'localhost'), params, headers: { 'x-call': 'mine' } });
    expect(server.requests.map((r) => r.headers['x-team-secret'])).toEqual(['team-secret-0123456789']);
    expect(other.requests.map((r) => [r.headers['x-team-secret'], r.headers.authorization, r.headers['x-call']])).toEqual([[undefined, undefined, 'mine']]);
  });

  it('the same origin however spelled gets the credential; another origin does not', async () => {
    const server = await answering();
    const other = await answering();
    const { api } = clientFor(server.url);
    const params = { path: { account_id: 'ACC1' } };
    await api.GET('/accounts/{account_id}', { baseUrl: `${server.url.replace('http://127.0.0.1', 'HTTP://127.0.0.1')}/v2`, params });
    await api.GET('/accounts/{account_id}', { baseUrl: other.url, params });
    expect(server.requests.map((r) => [r.url, r.headers.authorization])).toEqual([['/v2/accounts/ACC1', `Bearer ${token}`]]);
    expect(other.requests.map((r) => [r.url, r.headers.authorization])).toEqual([['/accounts/ACC1', undefined]]);
  });
});

describe('a raw path starts with "/" and stays on the base URL’s origin', () => {
  /**
   * Two loopback servers whose ports share a prefix: home on port P, other on port P·10 + d. With baseUrl
   * `http://localhost:P`, the raw path "d/steal" is joined into `http://localhost:Pd/steal`: the other server,
   * so a path that changes the origin is seen reaching it (today it does, with the body and custom headers).
   */
  // Ports fetch refuses to connect to ("bad port", the Fetch standard's list, those above 1023): never drawn.
  const fetchBlockedPorts = new Set([1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080]);
  async function prefixedPair() {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const port = 1024 + Math.floor(Math.random() * (6553 - 1024));
      const digit = Math.floor(Math.random() * 10);
      if (port * 10 + digit > 65535 || fetchBlockedPorts.has(port) || fetchBlockedPorts.has(port * 10 + digit)) continue;
      try {
        const home = await serve((_, res) => sendJson(res, 200, account), port);
        try {
          const other = await serve((_, res) => sendJson(res, 200, { stolen: true }), port * 10 + digit);
          return { home, other, digit: String(digit), baseUrl: `http://localhost:${port}` };
        } catch {
          await home.close();
        }
      } catch {
        // the port is taken; try another pair
      }
    }
    throw new Error('no free pair of ports P and P·10+d found');
  }

  const hostile = [
    '.evil.example/steal',
    '@evil.example/x',
    '//evil.example/x',
    'accounts',
    '',
    '\\evil',
    '/\\evil.example',
    '@127.0.0.1/x',
  ];
  const body = { secret: 'body-that-must-not-leave' };
  const headers = { 'x-tenant': 'acme' };

  it.each(hostile)(
    'raw path %j is a TogaiValidationError, no request anywhere (GET, POST with a body, request())',
    async (path) => {
      const { home, other, baseUrl } = await prefixedPair();
      const { api } = createTogaiClient({ baseUrl, token, pathStyle: 'flat', maxRetries: 0 });
      const calls = [
        () => api.GET(path as never, { headers } as never),
        () => api.POST(path as never, { body, headers } as never),
        () => api.request('post' as never, path as never, { body, headers } as never),
      ];
      for (const call of calls) {
        const error = await failure(call);
        expect(error).toBeInstanceOf(TogaiValidationError);
      }
      expect(home.requests).toHaveLength(0);
      expect(other.requests).toHaveLength(0);
    },
  );

  it('a raw path that extends the port ("<digit>/steal") is refused; nothing reaches the other server', async () => {
    const { home, other, baseUrl, digit } = await prefixedPair();
    const { api } = createTogaiClient({ baseUrl, token, pathStyle: 'flat', maxRetries: 0 });
    const error = await api
      .POST(`${digit}/steal` as never, { body, headers } as never)
      .catch((caught: unknown) => caught);
    expect(
      other.requests.map((r) => [r.url, r.body, r.headers['x-tenant']]),
      'what reached the other server',
    ).toEqual([]);
    expect(home.requests).toHaveLength(0);
    expect(error).toBeInstanceOf(TogaiValidationError);
  });

  it('the issue’s example: with baseUrl http://localhost, POST ".evil.example/steal" never reaches fetch', async () => {
    const seen: string[] = [];
    const recording = (async (input: Request | string | URL) => {
      seen.push(input instanceof Request ? input.url : String(input));
      return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    const { api } = createTogaiClient({
      baseUrl: 'http://localhost',
      token,
      pathStyle: 'flat',
      maxRetries: 0,
      fetch: recording,
    });
    const error = await api
      .POST('.evil.example/steal' as never, { body, headers } as never)
      .catch((caught: unknown) => caught);
    expect(seen, 'URLs fetch was asked for').toEqual([]);
    expect(error).toBeInstanceOf(TogaiValidationError);
  });

  it.each([
    ['"@127.0.0.1:<other port>"', (otherPort: string) => `@127.0.0.1:${otherPort}`],
    ['"../../x"', () => '../../x'],
  ])('(kept) a filled path parameter %s stays one segment on the home server', async (_, value) => {
    const { home, other } = await prefixedPair();
    const otherPort = new URL(other.url).port;
    const { api } = createTogaiClient({
      baseUrl: home.url.replace('127.0.0.1', 'localhost'),
      token,
      pathStyle: 'flat',
    });
    await api.GET('/accounts/{account_id}', { params: { path: { account_id: value(otherPort) } } });
    expect(home.requests.map((r) => r.url)).toEqual([`/accounts/${encodeURIComponent(value(otherPort))}`]);
    expect(other.requests).toHaveLength(0);
  });
});

describe('a raw path holds no query or fragment', () => {
  it.each([`/accounts/ACC1?token=${token}`, '/accounts/ACC1#x', '/accounts?'])('%j is a TogaiValidationError that does not quote it; nothing is sent or logged', async (path) => {
    const server = await answering();
    const lines: string[] = [];
    const log = (line: string) => void lines.push(line);
    const togai = clientFor(server.url, { logLevel: 'debug', logger: { error: log, warn: log, info: log, debug: log } });
    const error = await failure(togai.api.GET(path as never, {} as never));
    expect(error).toBeInstanceOf(TogaiValidationError);
    expect(error.message).toMatch(/query or fragment.*params\.query/);
    expect(`${error.message} ${lines.join(' ')}`).not.toContain(token);
    expect(server.requests).toHaveLength(0);
  });
});

describe('what only the SDK decides', () => {
  it('a raw-api caller cannot mark a POST safe to resend through the internal call options', async () => {
    const server = await serve((_, res) => sendJson(res, 503, { message: 'busy' }, { 'retry-after': '0' }));
    const { api } = clientFor(server.url, { maxRetries: 3 });
    const init = { body: { id: 'A', name: 'n', customerId: 'c' }, togaiCallOptions: { idempotent: true } };
    const { response } = await api.POST('/accounts', init as never);
    expect(response.status).toBe(503);
    expect(server.requests).toHaveLength(1);
  });

  it('a raw-api purchase gets a generated key, repeated on every retry', async () => {
    const server = await serve((_, res, index) =>
      index === 0 ? sendJson(res, 503, {}, { 'retry-after': '0' }) : sendJson(res, 200, { id: 'PUR1' }),
    );
    const { api } = clientFor(server.url, { maxRetryDelay: 0 });
    const body = { pricePlanId: 'PP1' } as never;
    await api.POST('/accounts/{account_id}/purchases', { params: { path: { account_id: 'ACC1' } }, body });
    const keys = server.requests.map((r) => (JSON.parse(r.body) as { idempotencyKey: string }).idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
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
