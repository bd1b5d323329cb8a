// Client behaviour against real loopback servers: configuration, auth, variants, validation, errors,
// pagination and deprecation warnings.
import { inspect } from 'node:util';
import { afterEach, describe, expect, test, vi } from 'vitest';
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
  TogaiConnectionError,
  TogaiValidationError,
  TogaiVariantError,
  type DeprecationNotice,
} from '../src/index.js';
import { deadUrl, sendJson, trackedServers } from './support/http-server.js';

const account = { id: 'ACC1', name: 'Acme', customerId: 'C1', togaiAccountId: 'a.1', togaiCustomerId: 'c.1', status: 'ACTIVE' };
const { server, closeAll } = trackedServers();
afterEach(async () => {
  vi.unstubAllEnvs();
  await closeAll();
});

describe('configuration and auth', () => {
  test('no credential at all fails at creation, not with a 401 later', () => {
    vi.stubEnv('TOGAI_API_TOKEN', '');
    vi.stubEnv('TOGAI_API_KEY', '');
    expect(() => createTogaiClient({})).toThrow(TogaiConfigurationError);
    expect(() => createTogaiClient()).toThrow(/TOGAI_API_TOKEN/);
  });

  test('credentials from the environment: bearer token, then API key', async () => {
    const api = await server((_, res) => sendJson(res, 200, account));
    vi.stubEnv('TOGAI_API_TOKEN', 'env-token');
    await createTogaiClient({ baseUrl: api.url }).accounts.get({ accountId: 'ACC1' });
    vi.stubEnv('TOGAI_API_TOKEN', '');
    vi.stubEnv('TOGAI_API_KEY', 'env-key');
    await createTogaiClient({ baseUrl: api.url }).accounts.get({ accountId: 'ACC1' });
    expect(api.requests[0]?.headers.authorization).toBe('Bearer env-token');
    expect(api.requests[1]?.headers['x-api-key']).toBe('env-key');
    expect(api.requests[1]?.headers.authorization).toBeUndefined();
  });

  test('environments map to Togai hosts and default path styles', () => {
    const production = createTogaiClient({ token: 't' });
    const sandbox = createTogaiClient({ token: 't', environment: 'sandbox' });
    expect([production.baseUrl, production.pathStyle]).toEqual(['https://api.togai.com/', 'flat']);
    expect([sandbox.baseUrl, sandbox.pathStyle]).toEqual(['https://sandbox-api.togai.com/', 'customer-scoped']);
    expect(createTogaiClient({ token: 't', environment: 'sandbox', pathStyle: 'flat' }).pathStyle).toBe('flat');
    expect(() => createTogaiClient({ token: 't', environment: 'staging' as never })).toThrow(TogaiConfigurationError);
    expect(() => createTogaiClient({ token: 't', timeout: 0 })).toThrow(/timeout/);
    expect(() => createTogaiClient({ token: 't', maxRetries: -1 })).toThrow(/maxRetries/);
  });

  test("today's sandbox (README): environment 'sandbox' with pathStyle 'flat' calls flat paths on the sandbox host", async () => {
    // The loopback server stands in for sandbox-api.togai.com: the client's fetch sees the real URL, then forwards.
    const api = await server((req, res) => sendJson(res, 200, account));
    const sent: string[] = [];
    const togai = createTogaiClient({
      environment: 'sandbox',
      pathStyle: 'flat',
      token: 't',
      fetch: async (input, init) => {
        const request = new Request(input, init);
        sent.push(request.url);
        const url = new URL(request.url);
        return fetch(new Request(`${api.url}${url.pathname}${url.search}`, request));
      },
    });
    expect([togai.baseUrl, togai.pathStyle]).toEqual(['https://sandbox-api.togai.com/', 'flat']);
    const found = await togai.accounts.get({ accountId: 'ACC1' }); // typed for flat paths: no customerId
    expect(found.id).toBe('ACC1');
    expect(sent).toEqual(['https://sandbox-api.togai.com/accounts/ACC1']);
    expect(api.requests.map((r) => [r.url, r.headers.authorization])).toEqual([['/accounts/ACC1', 'Bearer t']]);
  });

  test('the credential never shows in String, JSON or inspect of the client', () => {
    const secret = 'tok_secret_1234567890';
    const client = createTogaiClient({ token: secret });
    for (const text of [String(client), JSON.stringify(client), inspect(client, { depth: 10 })]) {
      expect(text).not.toContain(secret);
    }
    expect(JSON.stringify(client)).toContain('bearer');
  });
});

describe('path variants', () => {
  test('flat client calls flat paths; customer-scoped client calls customer paths', async () => {
    const api = await server((req, res) => sendJson(res, 200, req.url?.startsWith('/customers') ? { id: 'A', name: 'n', status: 'ACTIVE' } : account));
    await createTogaiClient({ baseUrl: api.url, token: 't' }).accounts.get({ accountId: 'ACC1' });
    await createTogaiClient({ baseUrl: api.url, token: 't', pathStyle: 'customer-scoped' }).accounts.get({ customerId: 'C 1', accountId: 'ACC1' });
    expect(api.requests.map((r) => r.url)).toEqual(['/accounts/ACC1', '/customers/C%201/accounts/ACC1']);
  });

  test('an operation of the other variant fails before sending, naming the alternative', async () => {
    const api = await server((_, res) => sendJson(res, 200, {}));
    const flat = createTogaiClient({ baseUrl: api.url, token: 't' });
    const scoped = createTogaiClient({ baseUrl: api.url, token: 't', pathStyle: 'customer-scoped' });
    const associate = (flat.accounts as unknown as Record<string, unknown>).associatePricePlan as (a: object) => Promise<unknown>;
    await expect(associate({ accountId: 'A' })).rejects.toThrow(TogaiVariantError);
    await expect(associate({ accountId: 'A' })).rejects.toThrow(/accounts\.updatePricingSchedule\(\)/);
    const listAliases = (scoped.accounts as unknown as Record<string, unknown>).listAliases as (a: object) => Promise<unknown>;
    await expect(listAliases({ accountId: 'A' })).rejects.toThrow(/only on flat paths.*pathStyle: 'flat'/);
    expect(api.requests).toHaveLength(0);
  });

  test('a missing customerId on customer-scoped paths is an error before any request', async () => {
    const api = await server((_, res) => sendJson(res, 200, {}));
    const scoped = createTogaiClient({ baseUrl: api.url, token: 't', pathStyle: 'customer-scoped' });
    const get = scoped.accounts.get as unknown as (a: object) => Promise<unknown>;
    await expect(get({ accountId: 'A' })).rejects.toThrow(/customerId is required/);
    const drain = async () => {
      for await (const _ of scoped.accounts.list({ customerId: '..' })) void _;
    };
    await expect(drain()).rejects.toThrow(TogaiValidationError);
    expect(api.requests).toHaveLength(0);
  });
  test('an idempotency key for an operation that cannot carry one is refused before sending', async () => {
    const api = await server((_, res) => sendJson(res, 201, account));
    const togai = createTogaiClient({ baseUrl: api.url, token: 't' });
    const body = { id: 'ACC1', name: 'Acme', customerId: 'C1' };
    await expect(togai.accounts.create({ body }, { idempotencyKey: 'k-1' })).rejects.toThrow(/takes no idempotency key/);
    expect(api.requests).toHaveLength(0);
  });
});

describe('path parameter validation', () => {
  test.each([
    ['..', /must not be "\.\."/],
    ['.', /must not be "\."/],
    ['', /must not be empty/],
    ['x'.repeat(51), /at most 50 characters/],
    ['\uD800', /unpaired surrogate/],
  ])('account id %j is rejected before sending, through facade and raw api', async (value, message) => {
    const api = await server((_, res) => sendJson(res, 200, account));
    const togai = createTogaiClient({ baseUrl: api.url, token: 't' });
    await expect(togai.accounts.get({ accountId: value })).rejects.toThrow(message);
    await expect(togai.api.GET('/accounts/{account_id}', { params: { path: { account_id: value } } })).rejects.toThrow(TogaiValidationError);
    expect(api.requests).toHaveLength(0);
  });

  test('customer_id ".." cannot escape the customer scope', async () => {
    const api = await server((_, res) => sendJson(res, 200, {}));
    const togai = createTogaiClient({ baseUrl: api.url, token: 't' });
    await expect(
      togai.api.GET('/customers/{customer_id}/accounts', { params: { path: { customer_id: '..' } } }),
    ).rejects.toThrow(/customer_id must not be "\.\."/);
    expect(api.requests).toHaveLength(0);
  });

  test('a 50-character id with slashes and Unicode travels as one encoded segment', async () => {
    const api = await server((_, res) => sendJson(res, 200, account));
    const id = 'a/b?c#d%e 😀'.padEnd(50, 'z');
    await createTogaiClient({ baseUrl: api.url, token: 't' }).accounts.get({ accountId: id });
    const segments = api.requests[0]!.url.split('/');
    expect(segments).toHaveLength(3);
    expect(decodeURIComponent(segments[2]!)).toBe(id);
  });
});

describe('errors', () => {
  test.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [429, RateLimitError],
    [500, InternalServerError],
    [503, InternalServerError],
    [409, TogaiApiError],
  ] as const)('%i → %o with status, body, headers, request id, method and path', async (status, ErrorClass) => {
    const api = await server((_, res) => sendJson(res, status, { message: `nope ${status}` }, { 'x-request-id': 'req-42' }));
    const togai = createTogaiClient({ baseUrl: api.url, token: 'secret-token', maxRetries: 0 });
    const error = await togai.accounts.get({ accountId: 'ACC 1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(TogaiApiError);
    expect(error).toMatchObject({ status, body: { message: `nope ${status}` }, requestId: 'req-42', method: 'GET', path: '/accounts/ACC%201' });
    expect((error as TogaiApiError).headers.get('content-type')).toBe('application/json');
    expect((error as Error).message).toContain(`nope ${status}`);
    expect(JSON.stringify(error)).not.toContain('secret-token');
  });

  test('an HTML error page from a proxy becomes a readable error, not a JSON crash', async () => {
    const api = await server((_, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    });
    const togai = createTogaiClient({ baseUrl: api.url, token: 't', maxRetries: 0 });
    const error = await togai.accounts.get({ accountId: 'A' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as TogaiApiError).body).toContain('502 Bad Gateway');
    expect((error as Error).message).toContain('502 Bad Gateway');
  });

  test('network failure → TogaiConnectionError', async () => {
    const togai = createTogaiClient({ baseUrl: await deadUrl(), token: 't', maxRetries: 0 });
    await expect(togai.accounts.get({ accountId: 'A' })).rejects.toThrow(TogaiConnectionError);
  });
});

describe('pagination', () => {
  const pages = [
    { data: [{ ...account, id: 'A1' }, { ...account, id: 'A2' }], nextToken: 'p2' },
    { data: [{ ...account, id: 'A3' }], nextToken: 'p3' },
    { data: [{ ...account, id: 'A4' }] },
  ];
  const pagedServer = () =>
    server((req, res) => {
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
    const api = await server((_, res) => sendJson(res, 200, { data: [account], nextToken: 'same' }));
    const togai = createTogaiClient({ baseUrl: api.url, token: 't' });
    const drain = async () => {
      for await (const _ of togai.accounts.list()) void _;
    };
    await expect(drain()).rejects.toThrow(/endless loop/);
    expect(api.requests.length).toBeLessThanOrEqual(3);
  });
});

describe('deprecation warnings', () => {
  const purchase = { id: 'p1', accountId: 'A', status: 'SUCCESS', type: 'ENTITLEMENT_GRANT', createdAt: '2024-01-01T00:00:00Z' };

  test('first call of a deprecated operation warns once per client, raw or facade (process warning)', async () => {
    const api = await server((_, res) => sendJson(res, 200, purchase));
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const togai = createTogaiClient({ baseUrl: api.url, token: 't' });
      await togai.accounts.getPurchase({ purchaseId: 'p1' });
      await togai.accounts.getPurchase({ purchaseId: 'p1' });
      await togai.api.GET('/purchases/{purchase_id}', { params: { path: { purchase_id: 'p1' } } });
      await togai.accounts.get({ accountId: 'A' }).catch(() => undefined);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      const ours = warnings.filter((w) => (w as { code?: string }).code?.startsWith('TOGAI_'));
      expect(ours.map((w) => [w.name, (w as { code?: string }).code])).toEqual([['DeprecationWarning', 'TOGAI_DEPRECATED_getPurchase']]);
      // a second client warns again: the state is per client
      await createTogaiClient({ baseUrl: api.url, token: 't' }).api.GET('/purchases/{purchase_id}', { params: { path: { purchase_id: 'p1' } } });
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => (w as { code?: string }).code === 'TOGAI_DEPRECATED_getPurchase')).toHaveLength(2);
    } finally {
      process.off('warning', onWarning);
    }
  });

  test('routed to a callback, or silenced', async () => {
    const api = await server((_, res) => sendJson(res, 200, purchase));
    const notices: DeprecationNotice[] = [];
    const togai = createTogaiClient({ baseUrl: api.url, token: 't', onDeprecation: (n) => notices.push(n) });
    await togai.accounts.getPurchase({ purchaseId: 'p1' });
    await togai.accounts.getPurchase({ purchaseId: 'p1' });
    expect(notices).toMatchObject([{ code: 'TOGAI_DEPRECATED_getPurchase', source: 'spec', method: 'GET', path: '/purchases/{purchase_id}' }]);

    const silent = vi.fn();
    const quiet = createTogaiClient({ baseUrl: api.url, token: 't', silenceDeprecations: true, onDeprecation: silent });
    await quiet.accounts.getPurchase({ purchaseId: 'p1' });
    expect(silent).not.toHaveBeenCalled();
  });

  test('Deprecation and Sunset response headers warn once per route', async () => {
    const api = await server((_, res) =>
      sendJson(res, 200, account, { deprecation: '@1735689600', sunset: 'Wed, 31 Dec 2025 23:59:59 GMT' }),
    );
    const notices: DeprecationNotice[] = [];
    const togai = createTogaiClient({ baseUrl: api.url, token: 't', onDeprecation: (n) => notices.push(n) });
    await togai.accounts.get({ accountId: 'A' });
    await togai.accounts.get({ accountId: 'B' });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ source: 'header', code: 'TOGAI_DEPRECATION_HEADER', operationId: 'getAccount', sunset: 'Wed, 31 Dec 2025 23:59:59 GMT' });
    expect(notices[0]?.message).toContain('31 Dec 2025');
  });
});
