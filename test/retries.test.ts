// What is resent and when, against scripted servers on 127.0.0.1: GETs and other calls safe to resend through
// 5xx, 429 and dropped connections, writes the server may have acted on never; the backoff between attempts,
// Retry-After and the maxRetryDelay cap on both; maxRetries. Every test counts the requests a server received;
// time bounds are generous, except where a test checks a wait we asked for.
// Elsewhere: every write of the SDK from the metadata (write-safety.test.ts), resending around redirects
// (redirects.test.ts), after timeouts and aborts (timeouts-and-aborts.test.ts), after a 401 with a short-lived
// token (short-lived-tokens.test.ts), and the keys that make a write safe to resend (idempotency-keys.test.ts).
import type { ServerResponse } from 'node:http';
import vm from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it, test } from 'vitest';
import {
  InternalServerError,
  TogaiConnectionError,
  TogaiError,
  TogaiTimeoutError,
} from '../src/index.js';
import { clientFor, sdkRetryDelay } from './support/client.js';
import { account, newAccount } from './support/fixtures.js';
import { deadUrl, sendJson, startServer, type RecordedRequest, type TestServer } from './support/http-server.js';
import { errorJson, failure, useServers } from './support/scripted.js';
import { since, slack } from './support/timing.js';

const { serve } = useServers();

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

/** Retries that wait a little, so the spec-driven cases stay short. */
const quickRetries = { maxRetryDelay: 5 };

describe('Retry-After', () => {
  it('waits the number of seconds a 429 asks for, then retries', async () => {
    const arrivals: number[] = [];
    const server = await serve((_, res, index) => {
      arrivals.push(performance.now());
      if (index === 0) return errorJson(429, { 'retry-after': '1' })(res);
      sendJson(res, 200, account);
    });
    const start = performance.now();
    await expect(clientFor(server.url, sdkRetryDelay).accounts.get({ accountId: 'ACC1' })).resolves.toEqual(account);
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
    await expect(clientFor(server.url, sdkRetryDelay).accounts.get({ accountId: 'ACC1' })).resolves.toEqual(account);
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
    await expect(clientFor(server.url, sdkRetryDelay).accounts.get({ accountId: 'ACC1' })).resolves.toEqual(account);
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

describe('connection resets', () => {
  it('retries a GET whose response was cut off mid-body', async () => {
    const server = await serve((_, res, index) => (index === 0 ? resetMidResponse(res) : sendJson(res, 200, account)));
    const start = performance.now();
    await expect(clientFor(server.url, sdkRetryDelay).accounts.get({ accountId: 'ACC1' })).resolves.toEqual(account);
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

describe('a fetch whose errors come from another realm (a jsdom test environment, a vm context)', () => {
  // Such errors are not `instanceof Error` here: they were taken for bad input ("cannot be sent") and never retried.
  const foreignError = (code: string) =>
    vm.runInNewContext(`Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('${code}'), { code: '${code}' }) })`) as unknown;

  it.each([
    ['GET, reset', 'ECONNRESET', (togai: ReturnType<typeof clientFor>) => togai.accounts.get({ accountId: 'ACC1' }), 3],
    ['POST, refused before sending', 'ECONNREFUSED', (togai: ReturnType<typeof clientFor>) => togai.accounts.create({ body: newAccount }), 3],
    ['POST, reset', 'ECONNRESET', (togai: ReturnType<typeof clientFor>) => togai.accounts.create({ body: newAccount }), 1],
  ])('%s: a TogaiConnectionError with its code, resent as any connection error', async (_, code, call, attempts) => {
    let calls = 0;
    const fetch = async () => {
      calls += 1;
      throw foreignError(code);
    };
    const error = await failure(call(clientFor('http://127.0.0.1:9', { fetch })));
    expect(error).toBeInstanceOf(TogaiConnectionError);
    expect(error).toMatchObject({ code, message: 'Could not reach the Togai API: fetch failed' });
    expect(calls).toBe(attempts);
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
    const port = Number(new URL(await deadUrl()).port);

    const received: string[] = [];
    let late: TestServer | undefined;
    const outcomes: string[] = [];
    const observedFetch: typeof fetch = async (input, init) => {
      try {
        const response = await fetch(input, init);
        outcomes.push(`HTTP ${response.status}`);
        return response;
      } catch (error) {
        outcomes.push('failed');
        late ??= await serve((request, res) => {
          received.push(request.body);
          sendJson(res, 200, account);
        }, port);
        throw error;
      }
    };
    const client = clientFor(`http://127.0.0.1:${port}`, { ...sdkRetryDelay, fetch: observedFetch });
    await expect(client.accounts.create({ body: newAccount })).resolves.toEqual(account);
    expect(outcomes).toEqual(['failed', 'HTTP 200']);
    expect(received.map((body) => JSON.parse(body))).toEqual([newAccount]);
  });
});

describe('write safety driven by the spec', () => {
  test('a wallet top-up has no key, so a 500 after the server may have acted is not resent', async () => {
    const api = await serve((_, res) => sendJson(res, 500, { message: 'maybe applied' }));
    const togai = clientFor(api.url, quickRetries);
    await expect(togai.wallet.topUp({ accountId: 'ACC1', body: { topupAmount: 100 } })).rejects.toThrow(InternalServerError);
    expect(api.requests).toHaveLength(1);
  });

  test('a query sent as POST (metrics) is retried like a GET', async () => {
    const api = await serve((_, res, index) => (index === 0 ? sendJson(res, 503, { message: 'busy' }) : sendJson(res, 200, { data: [] })));
    const togai = clientFor(api.url, quickRetries);
    await togai.metrics.get({ body: { metricQueries: [] } as never });
    expect(api.requests).toHaveLength(2);
  });
});

describe('writes without an idempotency key', () => {
  type Action =
    | { kind: 'status'; status: number; retryAfter: string | undefined }
    | { kind: 'redirect'; status: number; to: 'home' | 'away' | 'dead' | 'itself' }
    | { kind: 'drop' }
    | { kind: 'cut' };

  const action: fc.Arbitrary<Action> = fc.oneof(
    fc.record({
      kind: fc.constant('status' as const),
      status: fc.constantFrom(200, 201, 204, 400, 404, 408, 409, 429, 500, 502, 503, 504, 999),
      retryAfter: fc.constantFrom(undefined, '0', '-5', 'soon', 'Sun, 06 Nov 1994 08:49:37 GMT'),
    }),
    fc.record({
      kind: fc.constant('redirect' as const),
      status: fc.constantFrom(301, 302, 303, 307, 308),
      to: fc.constantFrom('home' as const, 'away' as const, 'dead' as const, 'itself' as const),
    }),
    fc.constantFrom({ kind: 'drop' as const }, { kind: 'cut' as const }),
  );

  /** A request the servers received, and how the script answered it. */
  interface Delivery {
    server: 'home' | 'away';
    method: string;
    url: string;
    body: string;
    answer: Action | undefined;
  }

  it('reach the server at most once, whatever redirects, statuses and connection failures come back', async () => {
    let script: Action[] = [];
    let deliveries: Delivery[] = [];
    let hops = 0;
    const urls = { home: '', away: '', dead: await deadUrl() };
    const answer = (server: Delivery['server']) => (request: RecordedRequest, res: import('node:http').ServerResponse) => {
      const next = script.shift();
      deliveries.push({ server, method: request.method, url: request.url, body: request.body, answer: next });
      if (!next) return sendJson(res, 200, account);
      if (next.kind === 'drop') return void res.destroy();
      if (next.kind === 'cut') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        return void res.write('{"id":', () => res.destroy());
      }
      if (next.kind === 'redirect') {
        hops += 1;
        const location = next.to === 'itself' ? request.url : `${urls[next.to]}/hop/${hops}`;
        res.writeHead(next.status, { location, 'content-length': '0' });
        return void res.end();
      }
      const headers: Record<string, string> = next.retryAfter === undefined ? {} : { 'retry-after': next.retryAfter };
      if (next.status === 204) {
        res.writeHead(204, headers);
        return void res.end();
      }
      sendJson(res, next.status, next.status < 300 ? account : { message: 'scripted' }, headers);
    };
    const home = await startServer(answer('home'));
    const away = await startServer(answer('away'));
    urls.home = home.url;
    urls.away = away.url;
    const { accounts } = clientFor(home.url, { maxRetries: 3 });
    const create = { id: 'ACC1', name: 'Acme', customerId: 'CUS1' };
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(action, { maxLength: 12 }), async (actions) => {
          script = [...actions];
          deliveries = [];
          const outcome = await accounts.create({ body: create }).then(
            () => undefined,
            (error: unknown) => error,
          );
          if (outcome !== undefined) expect(outcome).toBeInstanceOf(TogaiError);
          expect(deliveries.length).toBeLessThanOrEqual(4 * 6); // attempts × (1 + redirects)
          const writes = deliveries.filter((d) => d.method === 'POST' && d.body === JSON.stringify(create));
          // The original request goes out again only after every earlier delivery was a plain 429 to it.
          writes.forEach((write, index) => {
            if (index === 0 || write.server !== 'home' || write.url !== '/accounts') return;
            for (const earlier of writes.slice(0, index)) {
              expect(earlier).toMatchObject({ server: 'home', url: '/accounts', answer: { kind: 'status', status: 429 } });
            }
          });
          // And at most one delivery can have been applied: all others were refused with 429 or passed on (307/308).
          const passedOn = (answer: Action | undefined) =>
            (answer?.kind === 'status' && answer.status === 429) ||
            (answer?.kind === 'redirect' && (answer.status === 307 || answer.status === 308));
          expect(writes.filter((write) => !passedOn(write.answer)).length).toBeLessThanOrEqual(1);
        }),
        { numRuns: 150 },
      );
    } finally {
      await Promise.all([home.close(), away.close()]);
    }
  });
});
