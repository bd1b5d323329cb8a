// Fault injection against scripted node:http servers on 127.0.0.1: what the transport retries, what it must
// never resend, how long it waits, and what the caller sees when a server misbehaves. Every test counts the
// requests the server received; time bounds are generous, except where a test checks a wait we asked for.
import { createServer, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTogaiClient,
  InternalServerError,
  TogaiAbortError,
  TogaiConfigurationError,
  TogaiConnectionError,
  TogaiResponseParseError,
  TogaiTimeoutError,
  type TogaiClientOptions,
} from '../src/index.js';
import { sendJson, startServer, type Handler, type RecordedRequest, type TestServer } from './support/http-server.js';

const token = 'fault-injection-token';
const account = { id: 'ACC1', togaiAccountId: 'TACC1', togaiCustomerId: 'TCUS1', name: 'Acme', customerId: 'CUS1' };
const newAccount = { id: 'ACC1', name: 'Acme', customerId: 'CUS1' };
const purchase = { pricePlanId: 'PP1', quantity: 2 };

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(handler: Handler): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

function clientFor(url: string, options: Omit<TogaiClientOptions, 'baseUrl' | 'pathStyle'> = {}) {
  return createTogaiClient({ baseUrl: url, token, pathStyle: 'flat', silenceDeprecations: true, ...options });
}

/** The error a call fails with; fails the test if the call succeeds. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

const since = (start: number) => performance.now() - start;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Timers may fire a hair early against performance.now(); a deliberate wait is checked with this slack. */
const slack = 25;

/** A write (POST/PATCH) without an idempotency key must never reach the server twice. */
function expectNoResentWrites(requests: RecordedRequest[]) {
  const writes = requests
    .filter((r) => (r.method === 'POST' || r.method === 'PATCH') && !r.body.includes('"idempotencyKey"'))
    .map((r) => `${r.method} ${r.url} ${r.body}`);
  expect(new Set(writes).size).toBe(writes.length);
}

/** Sends headers and half a body, then drops the connection. */
function resetMidResponse(res: ServerResponse) {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
  res.write('{"id":"ACC1","na', () => res.destroy());
}

const errorJson =
  (status: number, headers: Record<string, string> = {}) =>
  (res: ServerResponse) =>
    sendJson(res, status, { message: `scripted ${status}` }, headers);

describe('Retry-After', () => {
  it('waits the number of seconds a 429 asks for, then retries', async () => {
    const arrivals: number[] = [];
    const server = await serve((_, res, index) => {
      arrivals.push(performance.now());
      if (index === 0) return errorJson(429, { 'retry-after': '1' })(res);
      sendJson(res, 200, account);
    });
    const start = performance.now();
    await expect(clientFor(server.url).accounts.get({ accountId: 'ACC1' })).resolves.toEqual(account);
    expect(server.requests).toHaveLength(2);
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(1000 - slack);
    expect(since(start)).toBeLessThan(5000);
  });

  it('waits until the HTTP date a 503 names, then retries', async () => {
    const arrivals: number[] = [];
    let asked = 0;
    const server = await serve((_, res, index) => {
      arrivals.push(performance.now());
      if (index > 0) return sendJson(res, 200, account);
      const date = new Date(Date.now() + 2000).toUTCString(); // whole seconds: 1-2 s from now
      asked = Date.parse(date) - Date.now();
      errorJson(503, { 'retry-after': date })(res);
    });
    const start = performance.now();
    await expect(clientFor(server.url).accounts.get({ accountId: 'ACC1' })).resolves.toEqual(account);
    expect(server.requests).toHaveLength(2);
    expect(asked).toBeGreaterThan(500);
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(asked - slack);
    expect(since(start)).toBeLessThan(6000);
  });
  it('caps a Retry-After longer than maxRetryDelay', async () => {
    const arrivals: number[] = [];
    const server = await serve((_, res, index) => {
      arrivals.push(performance.now());
      if (index === 0) return errorJson(429, { 'retry-after': '3600' })(res);
      sendJson(res, 200, account);
    });
    const start = performance.now();
    await expect(clientFor(server.url, { maxRetryDelay: 300 }).accounts.get({ accountId: 'ACC1' })).resolves.toEqual(account);
    expect(server.requests).toHaveLength(2);
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(300 - slack);
    expect(since(start)).toBeLessThan(3000);
  });
});

describe('bursts of 5xx', () => {
  it('retries a GET through 500, 502, 503 and 504 until it succeeds', async () => {
    const burst = [500, 502, 503, 504];
    const server = await serve((_, res, index) => {
      const status = burst[index];
      if (status) return errorJson(status, { 'retry-after': '0' })(res);
      sendJson(res, 200, account);
    });
    const start = performance.now();
    await expect(clientFor(server.url, { maxRetries: 4 }).accounts.get({ accountId: 'ACC1' })).resolves.toEqual(
      account,
    );
    expect(server.requests.map((r) => r.method)).toEqual(['GET', 'GET', 'GET', 'GET', 'GET']);
    expect(since(start)).toBeLessThan(3000);
  });

  it('backs off between attempts when the server gives no Retry-After', async () => {
    const arrivals: number[] = [];
    const server = await serve((_, res, index) => {
      arrivals.push(performance.now());
      if (index < 2) return errorJson(500)(res);
      sendJson(res, 200, account);
    });
    const start = performance.now();
    await expect(clientFor(server.url).accounts.get({ accountId: 'ACC1' })).resolves.toEqual(account);
    expect(server.requests).toHaveLength(3);
    // 500 ms then 1 s, each less at most a quarter of jitter.
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(375 - slack);
    expect(arrivals[2]! - arrivals[1]!).toBeGreaterThanOrEqual(750 - slack);
    expect(since(start)).toBeLessThan(5000);
  });

  it('throws InternalServerError with the status once maxRetries are used up', async () => {
    const server = await serve((_, res) => errorJson(503, { 'retry-after': '0' })(res));
    const start = performance.now();
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 503, method: 'GET', path: '/accounts/ACC1' });
    expect(error.message).toContain('scripted 503');
    expect(server.requests).toHaveLength(3); // the first attempt and the default 2 retries
    expect(since(start)).toBeLessThan(3000);
  });
});

describe('connection resets', () => {
  it('retries a GET whose response was cut off mid-body', async () => {
    const server = await serve((_, res, index) => (index === 0 ? resetMidResponse(res) : sendJson(res, 200, account)));
    const start = performance.now();
    await expect(clientFor(server.url).accounts.get({ accountId: 'ACC1' })).resolves.toEqual(account);
    expect(server.requests).toHaveLength(2);
    expect(since(start)).toBeLessThan(3000);
  });

  it('does not resend a POST whose response was cut off mid-body', async () => {
    const server = await serve((_, res) => resetMidResponse(res));
    const start = performance.now();
    const error = await failure(clientFor(server.url).accounts.create({ body: newAccount }));
    expect(error).toBeInstanceOf(TogaiConnectionError);
    expect(error).not.toBeInstanceOf(TogaiTimeoutError);
    expect(server.requests).toHaveLength(1);
    expectNoResentWrites(server.requests);
    expect(since(start)).toBeLessThan(3000);
  });

  it('does not resend a POST whose connection was dropped before any answer', async () => {
    const server = await serve((_, res) => void res.destroy());
    const error = await failure(clientFor(server.url).accounts.create({ body: newAccount }));
    expect(error).toBeInstanceOf(TogaiConnectionError);
    expect(server.requests).toHaveLength(1);
  });
});

describe('servers that never answer', () => {
  it('times out each GET attempt and gives up with TogaiTimeoutError', async () => {
    const server = await serve(() => undefined);
    const start = performance.now();
    const error = await failure(clientFor(server.url, { timeout: 300 }).accounts.get({ accountId: 'ACC1' }));
    const elapsed = since(start);
    expect(error).toBeInstanceOf(TogaiTimeoutError);
    expect(error.message).toContain('300 ms');
    expect(server.requests).toHaveLength(3);
    expect(elapsed).toBeGreaterThanOrEqual(3 * 300 - slack);
    expect(elapsed).toBeLessThan(6000);
  });

  it('times out a response that stalls after its headers', async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
      res.write('{"id":');
    });
    const start = performance.now();
    const error = await failure(
      clientFor(server.url).accounts.get({ accountId: 'ACC1' }, { timeout: 300, maxRetries: 0 }),
    );
    expect(error).toBeInstanceOf(TogaiTimeoutError);
    expect(server.requests).toHaveLength(1);
    expect(since(start)).toBeLessThan(3000);
  });

  it('sends a POST that times out only once', async () => {
    const server = await serve(() => undefined);
    const start = performance.now();
    const error = await failure(clientFor(server.url, { timeout: 300 }).accounts.create({ body: newAccount }));
    expect(error).toBeInstanceOf(TogaiTimeoutError);
    await pause(600); // longer than the first backoff: a resend would have arrived by now
    expect(server.requests).toHaveLength(1);
    expect(since(start)).toBeLessThan(3000);
  });
});

describe('bodies that are not what the operation promises', () => {
  it('throws TogaiResponseParseError for a 200 with malformed JSON', async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id": "ACC1", "name": ');
    });
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiResponseParseError);
    expect(error).toMatchObject({ status: 200, method: 'GET', path: '/accounts/ACC1' });
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ['Content-Length: 0', { 'content-type': 'application/json', 'content-length': '0' }],
    ['chunked', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }],
  ])('throws TogaiResponseParseError for an empty 200 (%s)', async (_, headers) => {
    const server = await serve((__, res) => {
      res.writeHead(200, headers);
      res.end();
    });
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiResponseParseError);
    expect(error.message).toContain('empty body');
    expect(server.requests).toHaveLength(1);
  });

  it('resolves undefined for a 204', async () => {
    const server = await serve((_, res) => {
      res.writeHead(204);
      res.end();
    });
    await expect(clientFor(server.url).accounts.delete({ accountId: 'ACC1' })).resolves.toBeUndefined();
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['DELETE /accounts/ACC1']);
  });

  const badGateway =
    '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
    '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
  const htmlPage = (_: RecordedRequest, res: ServerResponse) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end(badGateway);
  };

  it('turns an HTML 502 page into an InternalServerError with a readable message (facade)', async () => {
    const server = await serve(htmlPage);
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }, { maxRetries: 0 }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 502, body: badGateway });
    expect(error.message).toContain('502 Bad Gateway');
    expect(error.message).not.toMatch(/[<>]/);
    expect(server.requests).toHaveLength(1);
  });

  it('returns an HTML 502 page as the error text, without throwing (raw api)', async () => {
    const server = await serve(htmlPage);
    const api = clientFor(server.url).withOptions({ maxRetries: 1 }).api;
    const { data, error, response } = await api.GET('/accounts/{account_id}', {
      params: { path: { account_id: 'ACC1' } },
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(502);
    expect(error).toBe(badGateway);
    expect(server.requests).toHaveLength(2); // a GET on 502 is retried once, per withOptions
  });
});

describe('writes and idempotency', () => {
  it.each([500, 503])('sends createAccount only once when the server answers %i', async (status) => {
    const server = await serve((_, res) => errorJson(status)(res));
    const error = await failure(clientFor(server.url).accounts.create({ body: newAccount }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status });
    expect(server.requests).toHaveLength(1);
    expect(JSON.parse(server.requests[0]!.body)).toEqual(newAccount);
  });

  it('sends a PATCH only once when the server answers 502', async () => {
    const server = await serve((_, res) => errorJson(502)(res));
    const error = await failure(clientFor(server.url).accounts.update({ accountId: 'ACC1', body: { name: 'New' } }));
    expect(error).toMatchObject({ status: 502 });
    expect(server.requests).toHaveLength(1);
  });

  it('retries a purchase on 500 with the same generated idempotency key in every attempt', async () => {
    const server = await serve((_, res, index) =>
      index < 2 ? errorJson(500, { 'retry-after': '0' })(res) : sendJson(res, 200, { id: 'PUR1' }),
    );
    const result = await clientFor(server.url).accounts.createPurchase({ accountId: 'ACC1', body: purchase });
    expect(result).toEqual({ id: 'PUR1' });
    expect(server.requests).toHaveLength(3);
    const bodies = server.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    const key = bodies[0]!.idempotencyKey;
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (const body of bodies) expect(body).toEqual({ ...purchase, idempotencyKey: key });
    expect(server.requests.every((r) => r.method === 'POST' && r.url === '/accounts/ACC1/purchases')).toBe(true);
  });

  it('generates a new key for each purchase call', async () => {
    const server = await serve((_, res) => sendJson(res, 200, { id: 'PUR1' }));
    const accounts = clientFor(server.url).accounts;
    await accounts.createPurchase({ accountId: 'ACC1', body: purchase });
    await accounts.createPurchase({ accountId: 'ACC1', body: purchase });
    const [first, second] = server.requests.map(
      (r) => (JSON.parse(r.body) as { idempotencyKey: string }).idempotencyKey,
    );
    expect(first).toBeTruthy();
    expect(first).not.toBe(second);
  });

  it.each([
    ['the idempotencyKey option', { accountId: 'ACC1', body: purchase }, { idempotencyKey: 'caller-key-1' }],
    ['the body', { accountId: 'ACC1', body: { ...purchase, idempotencyKey: 'caller-key-1' } }, {}],
  ])('uses a key given in %s as-is, on every attempt', async (_, args, options) => {
    const server = await serve((__, res, index) =>
      index === 0 ? errorJson(503, { 'retry-after': '0' })(res) : sendJson(res, 200, { id: 'PUR1' }),
    );
    await clientFor(server.url).accounts.createPurchase(args, options);
    expect(server.requests.map((r) => JSON.parse(r.body))).toEqual([
      { ...purchase, idempotencyKey: 'caller-key-1' },
      { ...purchase, idempotencyKey: 'caller-key-1' },
    ]);
  });

  it('retries a POST on 429, when the server has not acted on it', async () => {
    const server = await serve((_, res, index) =>
      index === 0 ? errorJson(429, { 'retry-after': '0' })(res) : sendJson(res, 200, account),
    );
    await expect(clientFor(server.url).accounts.create({ body: newAccount })).resolves.toEqual(account);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.body).toBe(server.requests[0]!.body);
  });

  it('retries a POST whose connection was refused, once something listens', async () => {
    // A port that was free a moment ago: the first attempt is refused; only then does a server start there.
    const probe = await startServer(() => undefined);
    const port = Number(new URL(probe.url).port);
    await probe.close();

    const received: string[] = [];
    let late: Server | undefined;
    const outcomes: string[] = [];
    const observedFetch: typeof fetch = async (input, init) => {
      try {
        const response = await fetch(input, init);
        outcomes.push(`HTTP ${response.status}`);
        return response;
      } catch (error) {
        outcomes.push('failed');
        late ??= await listenOn(port, (body, res) => {
          received.push(body);
          sendJson(res, 200, account);
        });
        throw error;
      }
    };
    try {
      const client = clientFor(`http://127.0.0.1:${port}`, { fetch: observedFetch });
      await expect(client.accounts.create({ body: newAccount })).resolves.toEqual(account);
      expect(outcomes).toEqual(['failed', 'HTTP 200']);
      expect(received.map((body) => JSON.parse(body))).toEqual([newAccount]);
    } finally {
      await new Promise((resolve) => (late ? late.close(resolve) : resolve(undefined)));
    }
  });
});

/** A node:http server on a given loopback port (startServer always picks a fresh one). */
function listenOn(port: number, answer: (body: string, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    answer(Buffer.concat(chunks).toString(), res);
  });
  server.keepAliveTimeout = 100; // close() waits for idle keep-alive sockets
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('caller abort', () => {
  it('stops during the backoff sleep at once, with no further attempt', async () => {
    const controller = new AbortController();
    const server = await serve((_, res) => {
      errorJson(503, { 'retry-after': '2' })(res);
      setTimeout(() => controller.abort(new Error('user navigated away')), 100);
    });
    const start = performance.now();
    const error = await failure(
      clientFor(server.url).accounts.get({ accountId: 'ACC1' }, { signal: controller.signal }),
    );
    expect(error).toBeInstanceOf(TogaiAbortError);
    expect((error as { cause?: Error }).cause?.message).toBe('user navigated away');
    expect(since(start)).toBeLessThan(1500); // well before the 2 s the server asked for
    await pause(300);
    expect(server.requests).toHaveLength(1);
  });

  it('stops a hanging request at once, with no further attempt', async () => {
    const controller = new AbortController();
    const server = await serve(() => {
      setTimeout(() => controller.abort(), 100);
    });
    const start = performance.now();
    const call = clientFor(server.url, { timeout: 10_000 }).accounts.get(
      { accountId: 'ACC1' },
      { signal: controller.signal },
    );
    const error = await failure(call);
    expect(error).toBeInstanceOf(TogaiAbortError);
    expect(since(start)).toBeLessThan(1500);
    await pause(700); // past the first backoff: a retry would have arrived
    expect(server.requests).toHaveLength(1);
  });

  it('sends nothing when the signal has already fired', async () => {
    const server = await serve((_, res) => sendJson(res, 200, account));
    const error = await failure(
      clientFor(server.url).accounts.get({ accountId: 'ACC1' }, { signal: AbortSignal.abort() }),
    );
    expect(error).toBeInstanceOf(TogaiAbortError);
    expect(server.requests).toHaveLength(0);
  });
});

describe('maxRetries', () => {
  it('maxRetries: 0 on a call disables retries for that call only', async () => {
    const server = await serve((_, res) => errorJson(503, { 'retry-after': '0' })(res));
    const accounts = clientFor(server.url).accounts;
    await expect(accounts.get({ accountId: 'ACC1' }, { maxRetries: 0 })).rejects.toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(1);
    await expect(accounts.get({ accountId: 'ACC1' })).rejects.toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(4);
  });

  it('a per-call maxRetries overrides the client setting', async () => {
    const server = await serve((_, res) => errorJson(503, { 'retry-after': '0' })(res));
    const accounts = clientFor(server.url, { maxRetries: 0 }).accounts;
    await expect(accounts.get({ accountId: 'ACC1' })).rejects.toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(1);
    await expect(accounts.get({ accountId: 'ACC1' }, { maxRetries: 3 })).rejects.toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(5);
  });
});

describe('redirects and credentials', () => {
  it.each([
    ['token', { token }, 'authorization', `Bearer ${token}`],
    ['apiKey', { apiKey: token }, 'x-api-key', token],
  ] as const)('a cross-origin redirect does not carry the %s', async (_, credential, header, value) => {
    const other = await serve((__, res) => sendJson(res, 200, account));
    const origin = await serve((__, res) => {
      res.writeHead(307, { location: `${other.url}/elsewhere/ACC1` });
      res.end();
    });
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
      if (request.url === '/accounts/ACC1') {
        res.writeHead(302, { location: '/v2/accounts/ACC1' });
        res.end();
        return;
      }
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
      if (request.url === '/accounts') {
        res.writeHead(308, { location: '/v2/accounts' });
        res.end();
        return;
      }
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
    const origin = await serve((__, res) => {
      res.writeHead(308, { location: `${other.url}/accounts` });
      res.end();
    });
    await expect(clientFor(origin.url).accounts.create({ body: newAccount })).resolves.toEqual(account);
    expect(JSON.parse(other.requests[0]!.body)).toEqual(newAccount);
    expect(other.requests[0]!.headers.authorization).toBeUndefined();
  });
});

describe('insecure base URLs', () => {
  it.each([{ token }, { apiKey: token }])(
    'refuses to create a client for plain http://example.com (%o)',
    (credential) => {
      let fetched = 0;
      const countingFetch: typeof fetch = async () => {
        fetched += 1;
        return new Response(null, { status: 204 });
      };
      expect(() => createTogaiClient({ baseUrl: 'http://example.com', fetch: countingFetch, ...credential })).toThrow(
        TogaiConfigurationError,
      );
      expect(fetched).toBe(0);
    },
  );

  it('allows plain http to loopback hosts', () => {
    for (const baseUrl of ['http://127.0.0.1:1', 'http://localhost:1', 'http://[::1]:1']) {
      expect(createTogaiClient({ baseUrl, token }).baseUrl).toBe(`${baseUrl}/`);
    }
  });
});
