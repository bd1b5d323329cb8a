// What a careless caller can pass, against scripted servers on 127.0.0.1: bad client and call options (base URLs,
// numeric ranges, headers, options of the wrong kind, bodies and queries that cannot be encoded, path parameters,
// hostile objects) each fail with a TogaiError before anything is sent (the servers count), and never echo a
// credential or a header value. Path parameters are also checked as properties over generated values.
// Bad credentials: credentials.test.ts; bad raw-api paths and base URLs: raw-api.test.ts; bad keys:
// idempotency-keys.test.ts.
import fc from 'fast-check';
import { describe, expect, it, test } from 'vitest';
import {
  createTogaiClient,
  TogaiConfigurationError,
  TogaiValidationError,
  type TogaiClientOptions,
  type TogaiClientOverrides,
} from '../src/index.js';
import { awkwardUnit, numRuns } from './support/arbitraries.js';
import { clientFor, token } from './support/client.js';
import { account } from './support/fixtures.js';
import { sendJson } from './support/http-server.js';
import { failure, thrownBy, useServers, useSharedServer } from './support/scripted.js';

const { serve, answering } = useServers();
/** The server of the property tests (one for all their cases). */
const shared = useSharedServer();

const pathValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: awkwardUnit, maxLength: 30 }),
  fc.constantFrom('', '.', '..', '...', '%2e%2e', '/', '..%2F', '?x=1', '#frag'),
);

/**
 * Runs `call` and checks the outcome: either it succeeded and the server got one request whose path has
 * exactly `expected` as its segments (decoded), or it threw TogaiValidationError and the server got nothing.
 */
async function expectSegmentsOrRefusal(call: () => Promise<unknown>, expected: string[]): Promise<unknown> {
  shared.answer = (_, res) => sendJson(res, 200, account);
  const before = shared.server.requests.length;
  let outcome: unknown;
  try {
    await call();
  } catch (error) {
    outcome = error;
  }
  const received = shared.server.requests.slice(before);
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
    const error = thrownBy(() => createTogaiClient({ token, [name]: value }));
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
    const error = thrownBy(() => createTogaiClient({ token, headers: { 'x-tenant': value } }));
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

describe('path parameter validation', () => {
  test.each([
    ['..', /must not be "\.\."/],
    ['.', /must not be "\."/],
    ['', /must not be empty/],
    ['x'.repeat(51), /at most 50 characters/],
    ['\uD800', /unpaired surrogate/],
  ])('account id %j is rejected before sending, through facade and raw api', async (value, message) => {
    const api = await serve((_, res) => sendJson(res, 200, account));
    const togai = createTogaiClient({ baseUrl: api.url, token: 't' });
    await expect(togai.accounts.get({ accountId: value })).rejects.toThrow(message);
    await expect(togai.api.GET('/accounts/{account_id}', { params: { path: { account_id: value } } })).rejects.toThrow(TogaiValidationError);
    expect(api.requests).toHaveLength(0);
  });

  test('customer_id ".." cannot escape the customer scope', async () => {
    const api = await serve((_, res) => sendJson(res, 200, {}));
    const togai = createTogaiClient({ baseUrl: api.url, token: 't' });
    await expect(
      togai.api.GET('/customers/{customer_id}/accounts', { params: { path: { customer_id: '..' } } }),
    ).rejects.toThrow(/customer_id must not be "\.\."/);
    expect(api.requests).toHaveLength(0);
  });

  test('a 50-character id with slashes and Unicode travels as one encoded segment', async () => {
    const api = await serve((_, res) => sendJson(res, 200, account));
    const id = 'a/b?c#d%e 😀'.padEnd(50, 'z');
    await createTogaiClient({ baseUrl: api.url, token: 't' }).accounts.get({ accountId: id });
    const segments = api.requests[0]!.url.split('/');
    expect(segments).toHaveLength(3);
    expect(decodeURIComponent(segments[2]!)).toBe(id);
  });
});

describe('path parameters', () => {
  const flat = () =>
    createTogaiClient({ baseUrl: shared.server.url, token: 'properties-token', pathStyle: 'flat', maxRetries: 0 });
  const scoped = () =>
    createTogaiClient({ baseUrl: shared.server.url, token: 'properties-token', pathStyle: 'customer-scoped', maxRetries: 0 });

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

describe('hostile inputs give a TogaiValidationError, never a TypeError, and send nothing', () => {
  const throwing = (thrown: unknown) => () => {
    throw thrown;
  };

  const badHeaderValues: Array<[string, () => unknown]> = [
    ['a Symbol', () => Symbol('tenant')],
    ['an array holding a Symbol', () => ['acme', Symbol('tenant')]],
    ['an object whose toString throws', () => ({ toString: throwing(new Error('toString boom')) })],
  ];

  it.each(badHeaderValues)('a facade per-call header value that is %s', async (_, value) => {
    const server = await answering();
    const error = await failure(
      clientFor(server.url).accounts.get({ accountId: 'ACC1' }, { headers: { 'x-tenant': value() as string } }),
    );
    expect(error).toBeInstanceOf(TogaiValidationError);
    expect(error.message).toContain('x-tenant');
    expect(server.requests).toHaveLength(0);
  });

  it.each(badHeaderValues)('a raw api header value (headers and params.header) that is %s', async (_, value) => {
    const server = await answering();
    const { api } = clientFor(server.url);
    const path = { account_id: 'ACC1' };
    for (const init of [
      { headers: { 'x-tenant': value() }, params: { path } },
      { params: { path, header: { 'x-tenant': value() } } },
    ]) {
      const error = await failure(api.GET('/accounts/{account_id}', init as never));
      expect(error).toBeInstanceOf(TogaiValidationError);
    }
    expect(server.requests).toHaveLength(0);
  });

  it.each(badHeaderValues)(
    'a client header value that is %s is refused at creation (TogaiConfigurationError)',
    async (_, value) => {
      const server = await answering();
      const error = thrownBy(() =>
        createTogaiClient({ baseUrl: server.url, token, headers: { 'x-tenant': value() as string } }),
      );
      expect(error).toBeInstanceOf(TogaiConfigurationError);
      expect(server.requests).toHaveLength(0);
    },
  );

  it.each(['xml', 'JSON', 'formData', 'toString'])(
    'raw api parseAs %j, which openapi-fetch does not know',
    async (parseAs) => {
      const server = await answering();
      const call = clientFor(server.url).api.GET('/accounts', { parseAs } as never);
      const error = await failure(call);
      expect(error).toBeInstanceOf(TogaiValidationError);
      expect(error.message).toContain('parseAs');
      expect(server.requests).toHaveLength(0);
    },
  );

  it.each(['@host/x', '@127.0.0.1/x'])('a raw path %j', async (path) => {
    const server = await answering();
    const error = await failure(clientFor(server.url).api.GET(path as never));
    expect(error).toBeInstanceOf(TogaiValidationError);
    expect(server.requests).toHaveLength(0);
  });
});
