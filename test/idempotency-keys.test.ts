// Idempotency keys, against scripted servers on 127.0.0.1: the keys and event ids the SDK generates for writes
// that carry one (the same on every attempt, new for every call), the caller's own keys (in the body or as the
// idempotencyKey option: used as given, never replaced or dropped, refused where they cannot apply), and the keys
// a write that finally failed reports (error.idempotencyKeys). What is resent: retries.test.ts and
// write-safety.test.ts; the ingester's event ids: ingester.test.ts.
import type { ServerResponse } from 'node:http';
import { describe, expect, it, test } from 'vitest';
import { createTogaiClient, TogaiError, TogaiResponseParseError, TogaiValidationError, type TogaiClient } from '../src/index.js';
import { clientFor, type ClientForOptions } from './support/client.js';
import { account, grant, invoiceBody, purchaseBody, usageEvent, uuid } from './support/fixtures.js';
import { sendJson, type RecordedRequest } from './support/http-server.js';
import { errorJson, failure, useServers } from './support/scripted.js';

const { serve, answering } = useServers();

/** Retries that wait a little, so the spec-driven cases stay short. */
const quickRetries = { maxRetryDelay: 5 };

const purchase = { ...purchaseBody, quantity: 2 };

type KeyedCall = (togai: TogaiClient<'flat'>, body: never, options?: { idempotencyKey?: string }) => Promise<unknown>;

/** The keyed operations whose key is one top-level field of the body (`idempotencyKey`). */
const topLevelKeyed: Array<[string, KeyedCall, object]> = [
  ['invoices.createCustom', (togai, body, options) => togai.invoices.createCustom({ body }, options), invoiceBody],
  [
    'accounts.createPurchase',
    (togai, body, options) => togai.accounts.createPurchase({ accountId: 'ACC1', body }, options),
    purchaseBody,
  ],
  [
    'accounts.createProposal',
    (togai, body, options) => togai.accounts.createProposal({ accountId: 'ACC1', body }, options),
    purchaseBody,
  ],
];

describe('writes and idempotency', () => {
  it('retries a purchase on 500 with the same generated idempotency key in every attempt', async () => {
    const server = await serve((_, res, index) =>
      index < 2 ? errorJson(500, { 'retry-after': '0' })(res) : sendJson(res, 200, { id: 'PUR1' }),
    );
    const result = await clientFor(server.url).accounts.createPurchase({ accountId: 'ACC1', body: purchase });
    expect(result).toEqual({ id: 'PUR1' });
    expect(server.requests).toHaveLength(3);
    const bodies = server.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    const key = bodies[0]!.idempotencyKey;
    expect(key).toMatch(uuid);
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
});

describe('write safety driven by the spec', () => {
  test('a batch of events gets ids before the first attempt; a retry after a 503 repeats them; caller ids are kept', async () => {
    const api = await serve((_, res, index) => (index === 0 ? sendJson(res, 503, { message: 'busy' }) : sendJson(res, 202, { message: 'ok' })));
    const togai = clientFor(api.url, quickRetries);
    await togai.events.ingestBatch({ body: { events: [usageEvent(), { ...usageEvent(), accountId: 'ACC2', id: 'mine-1' }] } });
    expect(api.requests).toHaveLength(2);
    const [first, second] = api.requests.map((r) => JSON.parse(r.body).events.map((e: { id: string }) => e.id));
    expect(first[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(first[1]).toBe('mine-1');
    expect(second).toEqual(first);
  });

  test('a single event gets an id at event.id, the same on every attempt', async () => {
    const api = await serve((_, res, index) => void (index < 2 ? res.destroy() : sendJson(res, 202, { message: 'ok' })));
    const togai = clientFor(api.url, quickRetries);
    await togai.events.ingest({ body: { event: usageEvent() } });
    const ids = api.requests.map((r) => JSON.parse(r.body).event.id);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
  });

  test('each credit grant gets its own idempotency key, stable across a retry after a 500', async () => {
    const api = await serve((_, res, index) => (index === 0 ? sendJson(res, 500, { message: 'oops' }) : sendJson(res, 200, { data: [] })));
    const togai = clientFor(api.url, quickRetries);
    const grant = { accountId: 'ACC1', name: 'Goodwill', purpose: 'GRANT', grantedAmount: 10, applicableEntityIds: [] } as never;
    await togai.credits.create({ body: { creditRequests: [grant, { ...(grant as object), idempotencyKey: 'k-2' } as never] } });
    const keys = api.requests.map((r) => JSON.parse(r.body).creditRequests.map((c: { idempotencyKey: string }) => c.idempotencyKey));
    expect(keys).toHaveLength(2);
    expect(keys[0][1]).toBe('k-2');
    expect(keys[0][0]).not.toBe(keys[0][1]);
    expect(keys[1]).toEqual(keys[0]);
  });
});

describe("a caller's idempotency key is never replaced or dropped", () => {
  const sentKeys = (requests: RecordedRequest[]) =>
    requests.map((r) => (JSON.parse(r.body) as { idempotencyKey?: unknown }).idempotencyKey);

  it.each(topLevelKeyed)(
    '%s: body key "a" with option key "b" is a TogaiValidationError before sending',
    async (_, call, body) => {
      const server = await answering();
      const error = await failure(
        call(clientFor(server.url), { ...body, idempotencyKey: 'a' } as never, { idempotencyKey: 'b' }),
      );
      expect(error).toBeInstanceOf(TogaiValidationError);
      expect(error.message).toMatch(/idempotencyKey/);
      expect(server.requests).toHaveLength(0);
    },
  );

  it.each(topLevelKeyed)(
    '(kept) %s: equal body and option keys are sent once, with that key',
    async (_, call, body) => {
      const server = await answering();
      await call(clientFor(server.url), { ...body, idempotencyKey: 'same-key' } as never, {
        idempotencyKey: 'same-key',
      });
      expect(sentKeys(server.requests)).toEqual(['same-key']);
    },
  );

  it.each(topLevelKeyed)(
    '(kept) %s: an option key with a body that has none is sent in the body',
    async (_, call, body) => {
      const server = await answering();
      await call(clientFor(server.url), body as never, { idempotencyKey: 'option-key' });
      expect(sentKeys(server.requests)).toEqual(['option-key']);
    },
  );

  // The spec makes this body optional (`requestBody.required` is false); the facade's types ask for it, hence the cast.
  const createCustom = (togai: TogaiClient<'flat'>) =>
    togai.invoices.createCustom as (args?: object, options?: object) => Promise<unknown>;

  it.each([
    ['no arguments at all', (togai: TogaiClient<'flat'>) => createCustom(togai)(undefined, { idempotencyKey: 'b' })],
    ['no body', (togai: TogaiClient<'flat'>) => createCustom(togai)({}, { idempotencyKey: 'b' })],
    [
      'body: undefined',
      (togai: TogaiClient<'flat'>) => createCustom(togai)({ body: undefined }, { idempotencyKey: 'b' }),
    ],
  ])(
    'invoices.createCustom with %s and an option key: the request body carries { idempotencyKey: "b" }',
    async (_, call) => {
      const server = await answering();
      await call(clientFor(server.url));
      expect(server.requests).toHaveLength(1);
      const sent = server.requests[0]!.body;
      expect(sent === '' ? '(no body)' : JSON.parse(sent)).toEqual({ idempotencyKey: 'b' });
    },
  );

  it('invoices.createCustom with no body and an option key is resent after a 503 with the same key', async () => {
    const server = await serve((_, res, index) =>
      index === 0 ? sendJson(res, 503, {}, { 'retry-after': '0' }) : sendJson(res, 200, {}),
    );
    await createCustom(clientFor(server.url))({}, { idempotencyKey: 'b' });
    expect(
      server.requests.map((r) => r.body && (JSON.parse(r.body) as { idempotencyKey?: string }).idempotencyKey),
    ).toEqual(['b', 'b']);
  });

  it.each([
    [
      'credits.create (creditRequests[].idempotencyKey)',
      (togai: TogaiClient<'flat'>) =>
        togai.credits.create({ body: { creditRequests: [grant('ACC1'), grant('ACC2')] } }, { idempotencyKey: 'b' }),
    ],
    [
      'events.ingestBatch (events[].id)',
      (togai: TogaiClient<'flat'>) =>
        togai.events.ingestBatch({ body: { events: [usageEvent()] } }, { idempotencyKey: 'b' }),
    ],
    [
      'events.ingest (event.id)',
      (togai: TogaiClient<'flat'>) => togai.events.ingest({ body: { event: usageEvent() } }, { idempotencyKey: 'b' }),
    ],
    [
      'entitlements.ingestEntitledEvent (event.id)',
      (togai: TogaiClient<'flat'>) =>
        togai.entitlements.ingestEntitledEvent({ body: { event: usageEvent() } }, { idempotencyKey: 'b' }),
    ],
  ])(
    '(kept) %s: an option key, which cannot say what it keys, is a TogaiValidationError, nothing sent',
    async (_, call) => {
      const server = await answering();
      const error = await failure(call(clientFor(server.url)));
      expect(error).toBeInstanceOf(TogaiValidationError);
      expect(server.requests).toHaveLength(0);
    },
  );
});

describe('call options of the wrong kind', () => {
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

describe('keys for operations that take none', () => {
  test('an idempotency key for an operation that cannot carry one is refused before sending', async () => {
    const api = await serve((_, res) => sendJson(res, 201, account));
    const togai = createTogaiClient({ baseUrl: api.url, token: 't' });
    const body = { id: 'ACC1', name: 'Acme', customerId: 'C1' };
    await expect(togai.accounts.create({ body }, { idempotencyKey: 'k-1' })).rejects.toThrow(/takes no idempotency key/);
    expect(api.requests).toHaveLength(0);
  });
});

describe('a keyed write that finally fails carries the keys it sent (error.idempotencyKeys)', () => {
  type Keys = Record<string, string>;
  type Op = [name: string, call: (togai: TogaiClient<'flat'>) => Promise<unknown>, keysSent: (body: any) => Keys];

  const keyedOps: Op[] = [
    [
      'invoices.createCustom',
      (togai) => togai.invoices.createCustom({ body: invoiceBody }),
      (body) => ({ idempotencyKey: body.idempotencyKey }),
    ],
    [
      'accounts.createPurchase',
      (togai) => togai.accounts.createPurchase({ accountId: 'ACC1', body: purchaseBody }),
      (body) => ({ idempotencyKey: body.idempotencyKey }),
    ],
    [
      'credits.create',
      (togai) => togai.credits.create({ body: { creditRequests: [grant('ACC1'), grant('ACC2')] } }),
      (body) => ({
        'creditRequests[0].idempotencyKey': body.creditRequests[0].idempotencyKey,
        'creditRequests[1].idempotencyKey': body.creditRequests[1].idempotencyKey,
      }),
    ],
    [
      'events.ingest',
      (togai) => togai.events.ingest({ body: { event: usageEvent() } }),
      (body) => ({ 'event.id': body.event.id }),
    ],
  ];

  const failures: Array<
    [string, ClientForOptions, (res: ServerResponse) => void, number]
  > = [
    ['a 500 with maxRetries: 0', { maxRetries: 0 }, (res) => sendJson(res, 500, { message: 'boom' }), 1],
    [
      '503s that exhaust the retries',
      { maxRetries: 2 },
      (res) => sendJson(res, 503, { message: 'busy' }, { 'retry-after': '0' }),
      3,
    ],
    ['a connection reset', { maxRetries: 1 }, (res) => void res.destroy(), 2],
    ['a timeout', { maxRetries: 0, timeout: 100 }, () => undefined, 1],
  ];

  const cases = keyedOps.flatMap(([name, call, keysSent]) =>
    failures.map(
      ([how, options, answer, requests]) =>
        [`${name} after ${how}`, call, keysSent, options, answer, requests] as const,
    ),
  );

  it.each(cases)('%s', async (_, call, keysSent, options, answer, requests) => {
    const server = await serve((__, res) => answer(res));
    const error = await failure(call(clientFor(server.url, options)));
    expect(error).toBeInstanceOf(TogaiError);
    expect(server.requests).toHaveLength(requests);
    const sent = server.requests.map((r) => keysSent(JSON.parse(r.body)));
    for (const keys of sent) expect(keys).toEqual(sent[0]); // every retry repeated them
    for (const key of Object.values(sent[0]!)) expect(key).toMatch(uuid);
    const reported = (error as { idempotencyKeys?: unknown }).idempotencyKeys;
    expect(reported).toEqual(sent[0]);
    expect(Object.getPrototypeOf(reported)).toBe(Object.prototype);
    const json = JSON.stringify(error);
    for (const key of Object.values(sent[0]!)) expect(json).toContain(key);
  });

  it.each([
    [
      'accounts.createProposal',
      (togai: TogaiClient<'flat'>) => togai.accounts.createProposal({ accountId: 'ACC1', body: purchaseBody as never }),
      (body: any) => ({ idempotencyKey: body.idempotencyKey }),
    ],
    [
      'events.ingestBatch',
      (togai: TogaiClient<'flat'>) => togai.events.ingestBatch({ body: { events: [usageEvent(), usageEvent()] } }),
      (body: any) => ({ 'events[0].id': body.events[0].id, 'events[1].id': body.events[1].id }),
    ],
    [
      'entitlements.ingestEntitledEvent',
      (togai: TogaiClient<'flat'>) => togai.entitlements.ingestEntitledEvent({ body: { event: usageEvent() } }),
      (body: any) => ({ 'event.id': body.event.id }),
    ],
  ])('%s after a 500 reports its keys too', async (_, call, keysSent) => {
    const server = await serve((__, res) => sendJson(res, 500, { message: 'boom' }));
    const error = await failure(call(clientFor(server.url, { maxRetries: 0 })));
    expect((error as { idempotencyKeys?: unknown }).idempotencyKeys).toEqual(
      keysSent(JSON.parse(server.requests[0]!.body)),
    );
  });

  it.each([
    [
      'a body key',
      (togai: TogaiClient<'flat'>) =>
        togai.invoices.createCustom({ body: { ...invoiceBody, idempotencyKey: 'order-42' } }),
      { idempotencyKey: 'order-42' },
    ],
    [
      'an option key',
      (togai: TogaiClient<'flat'>) =>
        togai.accounts.createPurchase({ accountId: 'ACC1', body: purchaseBody }, { idempotencyKey: 'order-43' }),
      { idempotencyKey: 'order-43' },
    ],
    [
      'an event id',
      (togai: TogaiClient<'flat'>) => togai.events.ingest({ body: { event: { ...usageEvent(), id: 'evt-44' } } }),
      { 'event.id': 'evt-44' },
    ],
  ])("the caller's own keys are reported as given (%s)", async (_, call, expected) => {
    const server = await serve((__, res) => sendJson(res, 500, { message: 'boom' }));
    const error = await failure(call(clientFor(server.url, { maxRetries: 0 })));
    expect((error as { idempotencyKeys?: unknown }).idempotencyKeys).toEqual(expected);
    expect(JSON.stringify(error)).toContain(Object.values(expected)[0]);
  });

  it('a keyed write answered 200 with an empty body (applied, unreadable) reports its keys too', async () => {
    const server = await serve((__, res) => {
      res.writeHead(200, { 'content-length': '0' });
      res.end();
    });
    const error = await failure(clientFor(server.url).accounts.createPurchase({ accountId: 'ACC1', body: purchaseBody }));
    expect(error).toBeInstanceOf(TogaiResponseParseError);
    expect((error as TogaiError).idempotencyKeys).toEqual({ idempotencyKey: JSON.parse(server.requests[0]!.body).idempotencyKey });
  });

  it('a credit grant with one key of its own and one generated reports both', async () => {
    const server = await serve((__, res) => void res.destroy());
    const body = { creditRequests: [{ ...grant('ACC1'), idempotencyKey: 'grant-a' }, grant('ACC2')] };
    const error = await failure(clientFor(server.url, { maxRetries: 0 }).credits.create({ body }));
    const generated = (JSON.parse(server.requests[0]!.body) as { creditRequests: Array<{ idempotencyKey: string }> })
      .creditRequests[1]!.idempotencyKey;
    expect(generated).toMatch(uuid);
    expect((error as { idempotencyKeys?: unknown }).idempotencyKeys).toEqual({
      'creditRequests[0].idempotencyKey': 'grant-a',
      'creditRequests[1].idempotencyKey': generated,
    });
  });

  it.each([
    [
      'accounts.create',
      (togai: TogaiClient<'flat'>) => togai.accounts.create({ body: { id: 'ACC1', name: 'Acme', customerId: 'CUS1' } }),
    ],
    ['accounts.get', (togai: TogaiClient<'flat'>) => togai.accounts.get({ accountId: 'ACC1' })],
    ['payments.create', (togai: TogaiClient<'flat'>) => togai.payments.create({ body: {} as never })],
  ])('(kept) an unkeyed call (%s) has no idempotencyKeys', async (_, call) => {
    const server = await serve((__, res) => sendJson(res, 500, { message: 'boom' }));
    const error = await failure(call(clientFor(server.url, { maxRetries: 0 })));
    expect(error).toBeInstanceOf(TogaiError);
    expect((error as { idempotencyKeys?: unknown }).idempotencyKeys).toBeUndefined();
  });
});

describe('a body object that reads differently each time is keyed as it is sent', () => {
  class Grant {
    constructor(readonly accountId: string) {}
    purpose = 'promo';
    effectiveFrom = '2024-07-01';
    priority = 1;
    creditAmount = 10;
  }
  let reads = 0;
  const bodies: Array<[string, (togai: TogaiClient<'flat'>) => Promise<unknown>, (body: any) => Record<string, string>]> = [
    [
      'a key from a getter that changes on every read',
      (togai) => togai.accounts.createPurchase({ accountId: 'ACC1', body: { ...purchaseBody, get idempotencyKey() { return `key-${(reads += 1)}`; } } }),
      (body) => ({ idempotencyKey: body.idempotencyKey }),
    ],
    [
      'a toJSON() that sends another key than the field holds',
      (togai) => togai.invoices.createCustom({ body: { ...invoiceBody, idempotencyKey: 'field-key', toJSON: () => ({ ...invoiceBody, idempotencyKey: 'wire-key' }) } as never }),
      (body) => ({ idempotencyKey: body.idempotencyKey }),
    ],
    [
      'credit grants that are class instances',
      (togai) => togai.credits.create({ body: { creditRequests: [new Grant('ACC1'), new Grant('ACC2')] } }),
      (body) => ({ 'creditRequests[0].idempotencyKey': body.creditRequests[0].idempotencyKey, 'creditRequests[1].idempotencyKey': body.creditRequests[1].idempotencyKey }),
    ],
  ];

  it.each(bodies)('%s: the keys reported are the keys every attempt sent', async (_, call, keysSent) => {
    const server = await serve((__, res) => sendJson(res, 503, { message: 'busy' }));
    const error = await failure(call(clientFor(server.url, { maxRetries: 1 })));
    expect(server.requests).toHaveLength(2); // keyed, so resent
    const sent = server.requests.map((r) => keysSent(JSON.parse(r.body)));
    expect(sent[1]).toEqual(sent[0]);
    for (const key of Object.values(sent[0]!)) expect(key).toEqual(expect.any(String));
    expect((error as TogaiError).idempotencyKeys).toEqual(sent[0]);
  });

  it('a getter that throws in a keyed body is a TogaiValidationError before sending, as in any other body', async () => {
    const server = await answering();
    const trap = { ...purchaseBody, get quantity(): number { throw new Error('getter trap'); } };
    const error = await failure(clientFor(server.url).accounts.createPurchase({ accountId: 'ACC1', body: trap }));
    expect(error).toBeInstanceOf(TogaiValidationError);
    expect(error.message).toMatch(/accounts\.createPurchase\(\): the body cannot be sent as JSON: getter trap/);
    expect(server.requests).toHaveLength(0);
  });
});
