// What a careless caller can pass, checked against scripted loopback servers: every bad option fails with a
// TogaiError before anything is sent (the servers count), and never echoes a credential or a header value.
import { describe, expect, it, vi, afterEach } from 'vitest';
import {
  createTogaiClient,
  TogaiConfigurationError,
  TogaiValidationError,
  type TogaiClientOptions,
  type TogaiClientOverrides,
} from '../src/index.js';
import { account } from './support/fixtures.js';
import { sendJson } from './support/http-server.js';
import { failure, useServers } from './support/scripted.js';

const { serve } = useServers();
afterEach(() => {
  vi.unstubAllEnvs();
});

const token = 'careless-caller-token-0123456789';

const answering = () => serve((_, res) => sendJson(res, 200, account));

function clientFor(url: string, options: Omit<TogaiClientOptions, 'baseUrl' | 'pathStyle'> = {}) {
  return createTogaiClient({ baseUrl: url, token, pathStyle: 'flat', silenceDeprecations: true, ...options });
}

describe('base URLs with a query or a fragment, however bare', () => {
  it.each(['/#', '/?', '/?#', '?', '#', '/v1?x=1', '/v1#top', '/%3F/#'])('baseUrl <server>%s is refused at creation', async (suffix) => {
    const server = await answering();
    const error = await failure(() => clientFor(`${server.url}${suffix}`));
    expect(error).toBeInstanceOf(TogaiConfigurationError);
    expect(error.message).toMatch(/query or a fragment/);
    expect(server.requests).toHaveLength(0);
  });

  it('a percent-encoded ? in the path is fine: it is not a query', async () => {
    const server = await answering();
    await clientFor(`${server.url}/a%3Fb`).accounts.get({ accountId: 'ACC1' });
    expect(server.requests.map((r) => r.url)).toEqual(['/a%3Fb/accounts/ACC1']);
  });
});

describe('numeric options: one range for client and call', () => {
  const badClientValues: Array<[keyof TogaiClientOptions, unknown]> = [
    ['maxRetries', -1],
    ['maxRetries', 11],
    ['maxRetries', 1e9],
    ['maxRetries', Infinity],
    ['maxRetries', NaN],
    ['maxRetries', 1.5],
    ['maxRetries', '2'],
    ['timeout', 0],
    ['timeout', -1],
    ['timeout', 2 ** 31],
    ['timeout', Infinity],
    ['timeout', NaN],
    ['maxRetryDelay', -1],
    ['maxRetryDelay', 2 ** 31],
    ['maxResponseBytes', 0],
    ['maxResponseBytes', 2 ** 30 + 1],
    ['maxResponseBytes', 1024.5],
  ];

  it.each(badClientValues)('client %s: %s is refused at creation', (name, value) => {
    const error = (() => {
      try {
        createTogaiClient({ token, [name]: value });
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected createTogaiClient to throw');
    })();
    expect(error).toBeInstanceOf(TogaiConfigurationError);
    expect(error.message).toContain(name);
  });

  it.each(badClientValues)('withOptions %s: %s is refused', (name, value) => {
    const client = createTogaiClient({ token });
    expect(() => client.withOptions({ [name]: value } as TogaiClientOverrides)).toThrow(TogaiConfigurationError);
  });

  it.each(badClientValues)('per call %s: %s rejects the promise and sends nothing', async (name, value) => {
    const server = await answering();
    const { accounts } = clientFor(server.url);
    const error = await failure(accounts.get({ accountId: 'ACC1' }, { [name]: value }));
    expect(error).toBeInstanceOf(TogaiValidationError);
    expect(error.message).toContain(name);
    expect(server.requests).toHaveLength(0);
  });

  it('per call on a paginated list: the list rejects and sends nothing', async () => {
    const server = await answering();
    const list = clientFor(server.url).accounts.list({}, { maxRetries: Infinity });
    expect(await failure(Promise.resolve(list))).toBeInstanceOf(TogaiValidationError);
    expect(server.requests).toHaveLength(0);
  });

  it('the edges of every range are accepted, by the client and per call', async () => {
    const server = await answering();
    const edges = { maxRetries: 10, timeout: 2 ** 31 - 1, maxRetryDelay: 2 ** 31 - 1, maxResponseBytes: 2 ** 30 };
    await expect(clientFor(server.url, edges).accounts.get({ accountId: 'ACC1' })).resolves.toEqual(account);
    await expect(clientFor(server.url).accounts.get({ accountId: 'ACC1' }, edges)).resolves.toEqual(account);
    const low = { maxRetries: 0, timeout: 1_000, maxRetryDelay: 0, maxResponseBytes: 1024 };
    await expect(clientFor(server.url).accounts.get({ accountId: 'ACC1' }, low)).resolves.toEqual(account);
    expect(server.requests).toHaveLength(3);
  });
});

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

describe('withOptions cannot move the credential', () => {
  it.each([
    ['baseUrl', 'http://127.0.0.1:1'],
    ['baseUrl', undefined],
    ['environment', 'sandbox'],
    ['pathStyle', 'customer-scoped'],
    ['token', 'other-token'],
    ['apiKey', 'other-key'],
    ['fetch', async () => new Response('{}')],
  ])('withOptions({ %s }) throws TogaiConfigurationError', async (name, value) => {
    const server = await answering();
    const client = clientFor(server.url);
    const error = await failure(() => client.withOptions({ [name]: value } as TogaiClientOverrides));
    expect(error).toBeInstanceOf(TogaiConfigurationError);
    expect(error.message).toContain(name);
    await client.accounts.get({ accountId: 'ACC1' });
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${token}`]);
  });

  it('an object that hides baseUrl from the check but not from a second look cannot move the credential', async () => {
    const server = await answering();
    const elsewhere = await answering();
    let looks = 0;
    const sneaky = new Proxy({} as TogaiClientOverrides, {
      ownKeys: () => ['baseUrl'],
      getOwnPropertyDescriptor: () =>
        (looks += 1) === 1 ? undefined : { value: elsewhere.url, enumerable: true, configurable: true, writable: true },
    });
    const derived = clientFor(server.url).withOptions(sneaky);
    expect(derived.baseUrl).toBe(`${server.url}/`);
    await derived.accounts.get({ accountId: 'ACC1' });
    expect([server.requests.length, elsewhere.requests.length]).toEqual([1, 0]);
  });

  it.each([null, 'timeout', 5])('withOptions(%j) throws TogaiConfigurationError', (value) => {
    expect(() => createTogaiClient({ token }).withOptions(value as never)).toThrow(TogaiConfigurationError);
  });

  it('the settings it may change still work', async () => {
    const server = await answering();
    const derived = clientFor(server.url).withOptions({ timeout: 5_000, headers: { 'x-tenant': 'acme' } });
    await derived.accounts.get({ accountId: 'ACC1' });
    expect(server.requests[0]!.headers).toMatchObject({ authorization: `Bearer ${token}`, 'x-tenant': 'acme' });
  });
});

describe('header values a request cannot carry', () => {
  const secretish = 'do-not-echo-this-value';
  const badValues: Array<[string, string]> = [
    ['a CR/LF', `${secretish}\r\nX-Injected: 1`],
    ['a lone LF', `${secretish}\nmore`],
    ['a NUL', `${secretish}\u0000`],
    ['a control character', `${secretish}\u0001`],
    ['DEL', `${secretish}\u007f`],
    ['an emoji', `${secretish} 😀`],
    ['a character above U+00FF', `${secretish} Ā`],
  ];

  const expectNamesOnlyTheHeader = (error: Error) => {
    expect(error.message).toContain('x-tenant');
    expect(error.message).not.toContain(secretish);
  };

  it.each(badValues)('client headers with %s are refused at creation', (_, value) => {
    const error = (() => {
      try {
        createTogaiClient({ token, headers: { 'x-tenant': value } });
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected createTogaiClient to throw');
    })();
    expect(error).toBeInstanceOf(TogaiConfigurationError);
    expectNamesOnlyTheHeader(error);
  });

  it.each(badValues)('facade per-call headers with %s reject before sending', async (_, value) => {
    const server = await answering();
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }, { headers: { 'x-tenant': value } }));
    expect(error).toBeInstanceOf(TogaiValidationError);
    expectNamesOnlyTheHeader(error);
    expect(server.requests).toHaveLength(0);
  });

  it.each(badValues)('raw api headers and params.header with %s reject before sending', async (_, value) => {
    const server = await answering();
    const { api } = clientFor(server.url);
    const path = { account_id: 'ACC1' };
    for (const init of [{ headers: { 'x-tenant': value }, params: { path } }, { params: { path, header: { 'x-tenant': value } } }]) {
      const error = await failure(api.GET('/accounts/{account_id}', init as never));
      expect(error).toBeInstanceOf(TogaiValidationError);
      expectNamesOnlyTheHeader(error);
    }
    expect(server.requests).toHaveLength(0);
  });

  it.each(['connection', 'Content-Length', 'transfer-encoding', 'host', 'expect', 'upgrade', 'keep-alive', 'te', 'trailer'])(
    'a %s header, which fetch sets itself, is refused before sending (a wrong content-length would hang)',
    async (name) => {
      const server = await answering();
      const client = clientFor(server.url);
      const error = await failure(client.accounts.create({ body: { id: 'A', name: 'n', customerId: 'c' } }, { headers: { [name]: '1' } }));
      expect(error).toBeInstanceOf(TogaiValidationError);
      expect(error.message).toContain(name);
      expect(() => createTogaiClient({ token, headers: { [name]: '1' } })).toThrow(TogaiConfigurationError);
      expect(server.requests).toHaveLength(0);
    },
  );

  it.each(['x tenant', 'x-tenant:', 'x-ténant', ''])('a header named %j is refused', async (name) => {
    const server = await answering();
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }, { headers: { [name]: 'v' } }));
    expect(error).toBeInstanceOf(TogaiValidationError);
    expect(server.requests).toHaveLength(0);
  });

  it('Latin-1 text, tabs and array values are sent as given', async () => {
    const server = await answering();
    const { api } = clientFor(server.url);
    await api.GET('/accounts/{account_id}', {
      params: { path: { account_id: 'ACC1' } },
      headers: { 'x-name': 'Zoë\tMüller', 'x-many': ['a', 'b'] as never },
    });
    expect(Buffer.from(server.requests[0]!.headers['x-name'] as string, 'latin1').toString('latin1')).toBe('Zoë\tMüller');
    expect(server.requests[0]!.headers['x-many']).toBe('a, b');
  });
});

describe('call options of the wrong kind', () => {
  it.each([null, 'fast', 5])('facade options %j reject the promise, nothing sent', async (options) => {
    const server = await answering();
    const get = clientFor(server.url).accounts.get as (args: object, options: unknown) => Promise<unknown>;
    expect(await failure(get({ accountId: 'ACC1' }, options))).toBeInstanceOf(TogaiValidationError);
    expect(server.requests).toHaveLength(0);
  });

  it('a signal that is not an AbortSignal is a TogaiValidationError (facade and raw api), nothing sent', async () => {
    const server = await answering();
    const client = clientFor(server.url);
    const signal = { aborted: false } as AbortSignal;
    expect(await failure(client.accounts.get({ accountId: 'ACC1' }, { signal }))).toBeInstanceOf(TogaiValidationError);
    const raw = client.api.GET('/accounts/{account_id}', { params: { path: { account_id: 'ACC1' } }, signal });
    expect(await failure(raw)).toBeInstanceOf(TogaiValidationError);
    expect(server.requests).toHaveLength(0);
  });

  it('a GET with a body is a TogaiValidationError, nothing sent', async () => {
    const server = await answering();
    const get = clientFor(server.url).api.GET as (path: string, init: object) => Promise<unknown>;
    const error = await failure(get('/accounts/{account_id}', { params: { path: { account_id: 'ACC1' } }, body: {} }));
    expect(error).toBeInstanceOf(TogaiValidationError);
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ['an idempotencyKey option that is a number', {}, { idempotencyKey: 42 }],
    ['an empty idempotencyKey option', {}, { idempotencyKey: '' }],
    ['a body key that is a number', { idempotencyKey: 7 }, {}],
    ['a body key that is null', { idempotencyKey: null }, {}],
  ])('%s is refused rather than silently replaced by a generated key', async (_, extra, options) => {
    const server = await answering();
    const { accounts } = clientFor(server.url);
    const call = accounts.createPurchase({ accountId: 'ACC1', body: { pricePlanId: 'PP1', ...extra } as never }, options as never);
    const error = await failure(call);
    expect(error).toBeInstanceOf(TogaiValidationError);
    expect(error.message).toContain('idempotencyKey must be a non-empty string');
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

describe('request bodies and queries openapi-fetch cannot encode', () => {
  it('a BigInt in a body is a TogaiValidationError, nothing sent', async () => {
    const server = await answering();
    const body = { id: 'ACC1', name: 'Acme', customerId: 'CUS1', balance: 10n } as never;
    const error = await failure(clientFor(server.url).accounts.create({ body }));
    expect(error).toBeInstanceOf(TogaiValidationError);
    expect(server.requests).toHaveLength(0);
  });

  it('a body that refers to itself is a TogaiValidationError, nothing sent (raw api)', async () => {
    const server = await answering();
    const body: Record<string, unknown> = { id: 'ACC1', name: 'Acme', customerId: 'CUS1' };
    body.self = body;
    const error = await failure(clientFor(server.url).api.POST('/accounts', { body: body as never }));
    expect(error).toBeInstanceOf(TogaiValidationError);
    expect(server.requests).toHaveLength(0);
  });

  it('a nested object in a query is a TogaiValidationError, nothing sent', async () => {
    const server = await answering();
    const query = { pageSize: { deep: { deeper: 1 } } } as never;
    const error = await failure(clientFor(server.url).api.GET('/accounts', { params: { query } }));
    expect(error).toBeInstanceOf(TogaiValidationError);
    expect(server.requests).toHaveLength(0);
  });
});

describe('plain http', () => {
  it.each(['http://api.localhost:1', 'http://localhost.example.com:1', 'http://127.0.0.1.nip.io:1'])(
    '%s is not this machine: refused at creation',
    (baseUrl) => {
      expect(() => createTogaiClient({ baseUrl, token })).toThrow(TogaiConfigurationError);
    },
  );
});

describe('credentials that are only whitespace', () => {
  it.each([
    ['token', { token: '   ' }],
    ['token (tab and newline)', { token: '\t\n' }],
    ['apiKey', { apiKey: ' ' }],
    ['apiKey (no-break space)', { apiKey: '\u00a0' }],
  ])('%s is refused at creation', (_, credential) => {
    expect(() => createTogaiClient({ baseUrl: 'http://127.0.0.1:1', ...credential })).toThrow(TogaiConfigurationError);
  });

  it.each(['TOGAI_API_TOKEN', 'TOGAI_API_KEY'])('%s of only spaces is refused at creation, naming the variable', (name) => {
    vi.stubEnv('TOGAI_API_TOKEN', '');
    vi.stubEnv('TOGAI_API_KEY', '');
    vi.stubEnv(name, '   ');
    expect(() => createTogaiClient({ baseUrl: 'http://127.0.0.1:1' })).toThrow(new RegExp(`${name} is only whitespace`));
  });
});
