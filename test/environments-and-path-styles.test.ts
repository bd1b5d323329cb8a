// Environments and path styles, against scripted servers on 127.0.0.1: which host and default path style each
// environment has, and that a client calls the paths of its style (flat or customer-scoped), refusing before
// sending an operation of the other style, or a customer-scoped call without its customerId.
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  createTogaiClient,
  TogaiConfigurationError,
  TogaiValidationError,
  TogaiVariantError,
  type PathStyle,
} from '../src/index.js';
import { account } from './support/fixtures.js';
import { sendJson } from './support/http-server.js';
import { useServers } from './support/scripted.js';

const { serve } = useServers();

describe('environments', () => {
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
    const api = await serve((req, res) => sendJson(res, 200, account));
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
});

describe('path variants', () => {
  test('flat client calls flat paths; customer-scoped client calls customer paths', async () => {
    const api = await serve((req, res) =>
      sendJson(res, 200, req.url?.startsWith('/customers') ? { id: 'A', name: 'n', status: 'ACTIVE' } : account),
    );
    await createTogaiClient({ baseUrl: api.url, token: 't' }).accounts.get({ accountId: 'ACC1' });
    await createTogaiClient({ baseUrl: api.url, token: 't', pathStyle: 'customer-scoped' }).accounts.get({
      customerId: 'C 1',
      accountId: 'ACC1',
    });
    expect(api.requests.map((r) => r.url)).toEqual(['/accounts/ACC1', '/customers/C%201/accounts/ACC1']);
  });

  test('an operation of the other variant fails before sending, naming the alternative', async () => {
    const api = await serve((_, res) => sendJson(res, 200, {}));
    const flat = createTogaiClient({ baseUrl: api.url, token: 't' });
    const scoped = createTogaiClient({ baseUrl: api.url, token: 't', pathStyle: 'customer-scoped' });
    const associate = (flat.accounts as unknown as Record<string, unknown>).associatePricePlan as (
      a: object,
    ) => Promise<unknown>;
    await expect(associate({ accountId: 'A' })).rejects.toThrow(TogaiVariantError);
    await expect(associate({ accountId: 'A' })).rejects.toThrow(/accounts\.updatePricingSchedule\(\)/);
    const listAliases = (scoped.accounts as unknown as Record<string, unknown>).listAliases as (
      a: object,
    ) => Promise<unknown>;
    await expect(listAliases({ accountId: 'A' })).rejects.toThrow(/only on flat paths.*pathStyle: 'flat'/);
    expect(api.requests).toHaveLength(0);
  });

  test('a missing customerId on customer-scoped paths is an error before any request', async () => {
    const api = await serve((_, res) => sendJson(res, 200, {}));
    const scoped = createTogaiClient({ baseUrl: api.url, token: 't', pathStyle: 'customer-scoped' });
    const get = scoped.accounts.get as unknown as (a: object) => Promise<unknown>;
    await expect(get({ accountId: 'A' })).rejects.toThrow(/customerId is required/);
    const drain = async () => {
      for await (const _ of scoped.accounts.list({ customerId: '..' })) void _;
    };
    await expect(drain()).rejects.toThrow(TogaiValidationError);
    expect(api.requests).toHaveLength(0);
  });

  test('a resource of the other variant rejects before sending on a client whose variant is known only at run time', async () => {
    const api = await serve((_, res) => sendJson(res, 200, {}));
    const style = 'customer-scoped' as PathStyle;
    const togai = createTogaiClient({ baseUrl: api.url, token: 't', pathStyle: style });
    await expect(togai.customers.get({ customerId: 'C' })).rejects.toThrow(TogaiVariantError);
    await expect(togai.customers.get({ customerId: 'C' })).rejects.toThrow(
      /customers\.get\(\) exists only on flat paths/,
    );
    expect(api.requests).toHaveLength(0);
  });
});

describe('environment variables', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  describe('TOGAI_BASE_URL', () => {
    test('is the default base URL; an explicit baseUrl wins; an unusable one is refused at creation', async () => {
      const server = await serve((_, res) => sendJson(res, 200, account));
      vi.stubEnv('TOGAI_BASE_URL', server.url);
      const fromEnv = createTogaiClient({ token: 't' });
      expect(fromEnv.baseUrl).toBe(`${server.url}/`);
      await fromEnv.accounts.get({ accountId: 'ACC1' });
      expect(server.requests).toHaveLength(1);
      expect(createTogaiClient({ token: 't', baseUrl: 'https://api.togai.com' }).baseUrl).toBe(
        'https://api.togai.com/',
      );
      vi.stubEnv('TOGAI_BASE_URL', 'http://example.com');
      expect(() => createTogaiClient({ token: 't' })).toThrow(TogaiConfigurationError);
    });
  });
});
