// Properties over generated inputs, checked against a real node:http server on 127.0.0.1:
// - a path parameter either lands in exactly its own path segment, or is refused before anything is sent;
// - no error body, however malformed, breaks error handling;
// - the credential never shows up in anything the SDK throws or prints;
// - a write without an idempotency key reaches the server at most once, whatever comes back.
import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  createTogaiClient,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  TogaiApiError,
  TogaiConfigurationError,
  TogaiError,
  TogaiValidationError,
  type TogaiClient,
} from '../src/index.js';
import { deadUrl, sendJson, startServer, type RecordedRequest, type TestServer } from './support/http-server.js';

const numRuns = 200;
const account = { id: 'ACC1', togaiAccountId: 'TACC1', togaiCustomerId: 'TCUS1', name: 'Acme', customerId: 'CUS1' };

/** What the server does next; each property sets it before a call (properties run one case at a time). */
let answer: (url: string, res: import('node:http').ServerResponse) => void = (_, res) => sendJson(res, 200, account);
let server: TestServer;

beforeAll(async () => {
  server = await startServer((request, res) => answer(request.url, res));
});
afterAll(async () => {
  await server.close();
});

/** Characters that tend to break out of a path segment, plus lone surrogates and control characters. */
const awkwardUnit = fc.constantFrom(
  ...'/ ? # % . .. %2e %2F \\ ; & = + $ @ : a Z 0 - _ ~ é 😀 e\u0301'.split(' '),
  ...' \t\n\u0000\uD800\uDBFF\uDC00\uDFFF'.split(''), // one code unit each: lone surrogates stay lone
);
const pathValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: awkwardUnit, maxLength: 30 }),
  fc.constantFrom('', '.', '..', '...', '%2e%2e', '/', '..%2F', '?x=1', '#frag'),
);

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/**
 * Runs `call` and checks the outcome: either it succeeded and the server got one request whose path has
 * exactly `expected` as its segments (decoded), or it threw TogaiValidationError and the server got nothing.
 */
async function expectSegmentsOrRefusal(call: () => Promise<unknown>, expected: string[]): Promise<unknown> {
  answer = (_, res) => sendJson(res, 200, account);
  const before = server.requests.length;
  let outcome: unknown;
  try {
    await call();
  } catch (error) {
    outcome = error;
  }
  const received = server.requests.slice(before);
  if (outcome === undefined) {
    expect(received).toHaveLength(1);
    const path = new URL(received[0]!.url, 'http://127.0.0.1').pathname;
    const segments = path.split('/').slice(1);
    expect(segments).toHaveLength(expected.length);
    expect(segments.map((segment) => decodeURIComponent(segment))).toEqual(expected);
  } else {
    expect(outcome).toBeInstanceOf(TogaiValidationError);
    expect(received).toHaveLength(0);
  }
  return outcome;
}

describe('path parameters', () => {
  const flat = () =>
    createTogaiClient({ baseUrl: server.url, token: 'properties-token', pathStyle: 'flat', maxRetries: 0 });
  const scoped = () =>
    createTogaiClient({ baseUrl: server.url, token: 'properties-token', pathStyle: 'customer-scoped', maxRetries: 0 });

  it('stay inside their segment or are refused (facade, one parameter)', async () => {
    const { accounts } = flat();
    await fc.assert(
      fc.asyncProperty(pathValue, async (accountId) => {
        await expectSegmentsOrRefusal(() => accounts.get({ accountId }), ['accounts', accountId]);
      }),
      { numRuns },
    );
  });

  it('stay inside their segment or are refused (facade, two parameters)', async () => {
    const { accounts } = scoped();
    await fc.assert(
      fc.asyncProperty(pathValue, pathValue, async (customerId, accountId) => {
        await expectSegmentsOrRefusal(
          () => accounts.get({ customerId, accountId }),
          ['customers', customerId, 'accounts', accountId],
        );
      }),
      { numRuns },
    );
  });

  it('stays inside its segment or is refused (raw api)', async () => {
    const { api } = flat();
    await fc.assert(
      fc.asyncProperty(pathValue, async (accountId) => {
        const refusal = await expectSegmentsOrRefusal(
          () => api.GET('/accounts/{account_id}', { params: { path: { account_id: accountId } } }),
          ['accounts', accountId],
        );
        // The refusal must not blame another operation on the same path (PATCH/DELETE /accounts/{account_id}).
        if (refusal) expect((refusal as Error).message).not.toMatch(/updateAccount|deleteAccount|PATCH|DELETE/);
      }),
      { numRuns },
    );
  });
});

/** The class the SDK promises for each status. */
function expectedClass(status: number): typeof TogaiApiError {
  if (status >= 500) return InternalServerError;
  const byStatus: Record<number, typeof TogaiApiError> = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
  };
  return byStatus[status] ?? TogaiApiError;
}

describe('error bodies', () => {
  const body = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }).map((text) => Buffer.from(text)),
    fc.json({ maxDepth: 3 }).map((text) => Buffer.from(text)),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    fc
      .constantFrom('', ' ', 'null', '[]', '"text"', '{"message": 42}', '{"message": "m"}', '<html>')
      .map((text) => Buffer.from(text)),
  );
  const contentType = fc.constantFrom(
    undefined,
    'application/json',
    'application/json; charset=utf-8',
    'application/problem+json',
    'text/html',
    'text/plain; charset=iso-8859-1',
    'application/octet-stream',
  );

  // Every status from 400 to 599, the ones the SDK treats specially more often. 407 is left out: Node's fetch
  // turns it into a network error before the SDK sees a response.
  const status = fc
    .oneof(fc.constantFrom(400, 401, 403, 404, 408, 421, 429, 500, 502, 503, 504), fc.integer({ min: 400, max: 599 }))
    .filter((code) => code !== 407);

  it('never break parsing: the facade throws the TogaiApiError subclass for the status', async () => {
    const { accounts } = createTogaiClient({
      baseUrl: server.url,
      token: 'properties-token',
      pathStyle: 'flat',
      maxRetries: 0,
    });
    await fc.assert(
      fc.asyncProperty(status, body, contentType, async (status, bytes, type) => {
        answer = (_, res) => {
          res.writeHead(status, { 'content-length': String(bytes.length), ...(type && { 'content-type': type }) });
          res.end(bytes);
        };
        const before = server.requests.length;
        const error = await failure(accounts.get({ accountId: 'ACC1' }));
        expect(error).toBeInstanceOf(expectedClass(status));
        const apiError = error as TogaiApiError;
        expect(apiError.status).toBe(status);
        expect(apiError.message).toContain(`GET /accounts/ACC1 failed with ${status}`);
        expect(() => JSON.stringify(apiError)).not.toThrow();
        // maxRetries is 0, so one request; but Node's fetch itself resends a 421 once on a new connection, as the
        // Fetch standard allows (the server did not act on a misdirected request).
        expect(server.requests.length - before).toBeOneOf(status === 421 ? [1, 2] : [1]);
      }),
      { numRuns },
    );
  });
});

describe('credential secrecy', () => {
  const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 16, maxLength: 32 });
  const suffix = fc.oneof(
    fc.constant(''),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.string({ unit: awkwardUnit, maxLength: 10 }),
  );
  const secret = fc.tuple(hex, suffix).map(([random, rest]) => `sk_${random}${rest}`);

  /** Everything a caller might log about an error. */
  function renderings(error: unknown): string[] {
    const e = error as Error;
    return [String(e.message), String(e.stack), JSON.stringify(e) ?? '', inspect(e, { depth: 8 })];
  }

  function expectHidden(secretValue: string, texts: string[]) {
    // Headers trim surrounding whitespace, so look for the part that would survive too.
    const needles = new Set([secretValue, secretValue.trim()].filter((needle) => needle.length >= 16));
    for (const text of texts) for (const needle of needles) expect(text).not.toContain(needle);
  }

  /** Calls that fail in every way a request can fail; each must throw a TogaiError. */
  async function failures(client: TogaiClient<'flat'>): Promise<unknown[]> {
    answer = (url, res) => {
      if (url.startsWith('/accounts/unauthorized')) return sendJson(res, 401, { message: 'invalid credential' });
      if (url.startsWith('/accounts/garbled')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{"id":');
      }
      if (url.startsWith('/accounts/broken')) return sendJson(res, 500, { message: 'boom' });
      // anything else: never answer, so the call times out
    };
    const calls: Array<() => Promise<unknown>> = [
      () => client.accounts.get({ accountId: 'unauthorized' }),
      () => client.accounts.get({ accountId: 'garbled' }),
      () => client.accounts.get({ accountId: 'broken' }),
      () => client.accounts.get({ accountId: 'hang' }, { timeout: 25 }),
      () => client.accounts.get({ accountId: 'aborted' }, { signal: AbortSignal.abort(new Error('stop')) }),
      () => client.accounts.get({ accountId: '..' }), // throws synchronously
      () => client.api.GET('/accounts/{account_id}', { params: { path: { account_id: '' } } }),
    ];
    // One at a time: the hanging call must not hold a connection the others wait for.
    const errors: unknown[] = [];
    for (const call of calls) errors.push(await failure(Promise.resolve().then(call)));
    return errors;
  }

  it('never appears in thrown errors or in the printed client', async () => {
    await fc.assert(
      fc.asyncProperty(secret, fc.constantFrom('token', 'apiKey'), async (value, kind) => {
        const credential = kind === 'token' ? { token: value } : { apiKey: value };
        const insecure = () => createTogaiClient({ baseUrl: 'http://example.com', ...credential });
        expectHidden(value, renderings(await failure(Promise.resolve().then(insecure))));

        let client;
        try {
          client = createTogaiClient({ baseUrl: server.url, pathStyle: 'flat', maxRetries: 0, ...credential });
        } catch (error) {
          // A credential that cannot travel in a header is refused up front, without repeating it.
          expect(error).toBeInstanceOf(TogaiConfigurationError);
          expectHidden(value, renderings(error));
          return;
        }
        expectHidden(value, [String(client), JSON.stringify(client), inspect(client, { depth: 8, showHidden: true })]);
        for (const error of await failures(client)) {
          expect(error).toBeInstanceOf(TogaiError);
          expectHidden(value, renderings(error));
        }
        // The credential did travel (minus the trailing blanks headers drop), so the errors above had it to leak.
        const sent = server.requests.filter((r) => r.url === '/accounts/unauthorized').at(-1)!.headers;
        const expected = (kind === 'token' ? `Bearer ${value}` : value).replace(/[\t ]+$/, '');
        expect(kind === 'token' ? sent.authorization : sent['x-api-key']).toBe(expected);
      }),
      { numRuns },
    );
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
    const { accounts } = createTogaiClient({ baseUrl: home.url, token: 'properties-token', pathStyle: 'flat', maxRetries: 3, maxRetryDelay: 0 });
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
