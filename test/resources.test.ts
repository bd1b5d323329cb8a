// The facade beyond accounts, against scripted loopback servers: `.withResponse()`, and the write-safety rules the
// spec drives per operation (generated event ids and idempotency keys, queries sent as POST, writes without a key).
import { afterEach, describe, expect, test } from 'vitest';
import { createTogaiClient, InternalServerError, TogaiVariantError, type PathStyle } from '../src/index.js';
import { sendJson, trackedServers } from './support/http-server.js';

const { server, closeAll } = trackedServers();
afterEach(async () => {
  await closeAll();
});

/** A client that retries quickly, so fault tests stay short. */
const clientFor = (url: string) => createTogaiClient({ baseUrl: url, token: 't', maxRetries: 2, maxRetryDelay: 5, silenceDeprecations: true });
const event = (accountId: string) => ({
  schemaName: 'api_call',
  timestamp: '2024-07-01T10:00:00Z',
  accountId,
  attributes: [{ name: 'calls', value: '1' }],
  dimensions: { region: 'eu' },
});

describe('.withResponse()', () => {
  test('gives the parsed body and the HTTP response, sending one request', async () => {
    const api = await server((_, res) => sendJson(res, 200, { id: 'CUS1', name: 'Acme' }, { 'x-request-id': 'req-42' }));
    const togai = clientFor(api.url);
    const { data, response } = await togai.customers.get({ customerId: 'CUS1' }).withResponse();
    expect(data).toMatchObject({ id: 'CUS1' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req-42');
    expect(await togai.customers.get({ customerId: 'CUS1' })).toMatchObject({ name: 'Acme' });
    expect(api.requests).toHaveLength(2);
  });

  test('rejects with the typed error, and a call used only through withResponse() raises no unhandled rejection', async () => {
    const api = await server((_, res) => sendJson(res, 404, { message: 'no such customer' }));
    const togai = clientFor(api.url);
    await expect(togai.customers.get({ customerId: 'X' }).withResponse()).rejects.toMatchObject({ status: 404 });
  });

  test('each page of a list carries its own response', async () => {
    const api = await server((req, res) =>
      req.url.includes('nextToken=p2')
        ? sendJson(res, 200, { data: [{ id: 'C2' }] }, { 'x-request-id': 'page-2' })
        : sendJson(res, 200, { data: [{ id: 'C1' }], nextToken: 'p2' }, { 'x-request-id': 'page-1' }),
    );
    const togai = clientFor(api.url);
    const first = await togai.customers.list().withResponse();
    expect(first.response.headers.get('x-request-id')).toBe('page-1');
    const ids: string[] = [];
    for await (const page of togai.customers.list().pages()) ids.push(page.response.headers.get('x-request-id')!);
    expect(ids).toEqual(['page-1', 'page-2']);
  });
});

describe('write safety driven by the spec', () => {
  test('a batch of events gets ids before the first attempt; a retry after a 503 repeats them; caller ids are kept', async () => {
    const api = await server((_, res, index) => (index === 0 ? sendJson(res, 503, { message: 'busy' }) : sendJson(res, 202, { message: 'ok' })));
    const togai = clientFor(api.url);
    await togai.events.ingestBatch({ body: { events: [event('ACC1'), { ...event('ACC2'), id: 'mine-1' }] } });
    expect(api.requests).toHaveLength(2);
    const [first, second] = api.requests.map((r) => JSON.parse(r.body).events.map((e: { id: string }) => e.id));
    expect(first[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(first[1]).toBe('mine-1');
    expect(second).toEqual(first);
  });

  test('a single event gets an id at event.id, the same on every attempt', async () => {
    const api = await server((_, res, index) => void (index < 2 ? res.destroy() : sendJson(res, 202, { message: 'ok' })));
    const togai = clientFor(api.url);
    await togai.events.ingest({ body: { event: event('ACC1') } });
    const ids = api.requests.map((r) => JSON.parse(r.body).event.id);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
  });

  test('each credit grant gets its own idempotency key, stable across a retry after a 500', async () => {
    const api = await server((_, res, index) => (index === 0 ? sendJson(res, 500, { message: 'oops' }) : sendJson(res, 200, { data: [] })));
    const togai = clientFor(api.url);
    const grant = { accountId: 'ACC1', name: 'Goodwill', purpose: 'GRANT', grantedAmount: 10, applicableEntityIds: [] } as never;
    await togai.credits.create({ body: { creditRequests: [grant, { ...(grant as object), idempotencyKey: 'k-2' } as never] } });
    const keys = api.requests.map((r) => JSON.parse(r.body).creditRequests.map((c: { idempotencyKey: string }) => c.idempotencyKey));
    expect(keys).toHaveLength(2);
    expect(keys[0][1]).toBe('k-2');
    expect(keys[0][0]).not.toBe(keys[0][1]);
    expect(keys[1]).toEqual(keys[0]);
  });

  test('a wallet top-up has no key, so a 500 after the server may have acted is not resent', async () => {
    const api = await server((_, res) => sendJson(res, 500, { message: 'maybe applied' }));
    const togai = clientFor(api.url);
    await expect(togai.wallet.topUp({ accountId: 'ACC1', body: { topupAmount: 100 } })).rejects.toThrow(InternalServerError);
    expect(api.requests).toHaveLength(1);
  });

  test('a query sent as POST (metrics) is retried like a GET', async () => {
    const api = await server((_, res, index) => (index === 0 ? sendJson(res, 503, { message: 'busy' }) : sendJson(res, 200, { data: [] })));
    const togai = clientFor(api.url);
    await togai.metrics.get({ body: { metricQueries: [] } as never });
    expect(api.requests).toHaveLength(2);
  });

  test('a resource of the other variant rejects before sending on a client whose variant is known only at run time', async () => {
    const api = await server((_, res) => sendJson(res, 200, {}));
    const style = 'customer-scoped' as PathStyle;
    const togai = createTogaiClient({ baseUrl: api.url, token: 't', pathStyle: style });
    await expect(togai.customers.get({ customerId: 'C' })).rejects.toThrow(TogaiVariantError);
    await expect(togai.customers.get({ customerId: 'C' })).rejects.toThrow(/customers\.get\(\) exists only on flat paths/);
    expect(api.requests).toHaveLength(0);
  });
});
