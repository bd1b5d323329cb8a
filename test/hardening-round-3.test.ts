// Hardening, round three (issue 20): one `describe` per defect class, several cases per class. Every test runs
// against the public API only (`../src/index.js`), with scripted node:http servers on 127.0.0.1 (or a recording
// `fetch`), and asserts on what the servers received. Servers close after each test; every wait is bounded.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createTogaiClient,
  TogaiAbortError,
  TogaiConfigurationError,
  TogaiError,
  TogaiPaginationError,
  TogaiTimeoutError,
  TogaiValidationError,
  type Event,
  type TogaiClient,
  type TogaiClientOptions,
} from '../src/index.js';
import { createIngester } from '../src/ingester/index.js';
import { root } from './support/built-dist.js';
import { account } from './support/fixtures.js';
import { sendJson, type RecordedRequest } from './support/http-server.js';
import { failure, useServers } from './support/scripted.js';

const { serve } = useServers();

const token = 'hardening-round-3-token-0123456789';
const apiKey = 'hardening-round-3-api-key-0123456789';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Timers may fire a hair early against performance.now(); a deliberate wait is checked with this slack. */
const slack = 25;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A promise with its resolve function, for servers that wait on what the client does. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** How `promise` settled within `ms`: its value or error and when, or `settled: false`. Never leaves it unhandled. */
async function settleWithin(promise: Promise<unknown>, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    promise.then(
      (value) => ({ settled: true as const, value, error: undefined as unknown, at: performance.now() }),
      (error: unknown) => ({ settled: true as const, value: undefined as unknown, error, at: performance.now() }),
    ),
    new Promise<{ settled: false }>((resolve) => (timer = setTimeout(() => resolve({ settled: false }), ms))),
  ]);
  clearTimeout(timer);
  return outcome;
}

/** The error `create` throws synchronously; fails the test if it does not throw. */
function thrownBy(create: () => unknown, what = 'createTogaiClient'): Error {
  try {
    create();
  } catch (error) {
    return error as Error;
  }
  throw new Error(`expected ${what} to throw`);
}

function clientFor(url: string, options: Omit<TogaiClientOptions, 'baseUrl' | 'pathStyle'> = {}) {
  return createTogaiClient({
    baseUrl: url,
    token,
    pathStyle: 'flat',
    silenceDeprecations: true,
    maxRetryDelay: 0,
    ...options,
  });
}

function redirect(res: ServerResponse, status: number, location: string) {
  res.writeHead(status, { location, 'content-length': '0' });
  res.end();
}

const answering = () => serve((_, res) => sendJson(res, 200, account));

/** A JWT whose payload says when it expires (`exp`, seconds); the signature is never checked here. */
function jwt(serial: number, expiresInSeconds = 24 * 3600): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'HS256' })}.${encode({ sub: 'org', n: serial, exp: Math.floor(Date.now() / 1000) + expiresInSeconds })}.sig${serial}`;
}

const bearerOf = (request: RecordedRequest) => String(request.headers.authorization ?? '').replace(/^Bearer /, '');
const exchangesIn = (requests: RecordedRequest[]) => requests.filter((r) => r.url === '/authenticate');
const callsIn = (requests: RecordedRequest[]) => requests.filter((r) => r.url !== '/authenticate');

const shortLived = (
  url: string,
  options: Omit<TogaiClientOptions, 'baseUrl' | 'pathStyle' | 'token' | 'apiKey'> = {},
) =>
  createTogaiClient({ baseUrl: url, apiKey, shortLivedToken: true, pathStyle: 'flat', maxRetryDelay: 0, ...options });

/** Servers on ports this file chooses itself (node:http with options startServer does not take); closed after each test. */
const ownServers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(ownServers.splice(0).map((close) => close()));
});

async function listen(server: Server, port: number): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  ownServers.push(close);
  const actual = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${actual}`, port: actual, close };
}

/** A recording server like startServer's, on a given port (0: any free one). */
async function recordingServer(port: number, handler: (request: RecordedRequest, res: ServerResponse) => void) {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const recorded = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    };
    requests.push(recorded);
    handler(recorded, res);
  });
  return { requests, ...(await listen(server, port)) };
}

// ---------------------------------------------------------------------------------------------------------------

describe('(1) a 401 that arrives while the short-lived token is being renewed', () => {
  /**
   * Togai's token service and API. Token 1 is accepted until `revoke()`; after that it is refused with 401. The
   * API holds its 401s until every call of the round has arrived (so all of them left with token 1), and the
   * renewal (the second exchange) stays pending until the server has refused the calls it is told to refuse
   * while it is pending, then 100 ms more.
   */
  async function renewingService(round: { first: string; duringRenewal: string[]; afterRenewal?: string[] }) {
    const issued: string[] = [];
    let revoked = false;
    const expected = [round.first, ...round.duringRenewal, ...(round.afterRenewal ?? [])];
    const arrived = new Set<string>();
    const allArrived = deferred();
    const renewalArrived = deferred();
    const renewalAnswered = deferred();
    let refusedDuring = 0;
    const duringRefused = deferred();
    if (round.duringRenewal.length === 0) duringRefused.resolve();
    const server = await serve(async (request, res) => {
      if (request.url === '/authenticate') {
        issued.push(jwt(issued.length + 1));
        const fresh = issued.at(-1)!;
        if (issued.length === 2) {
          renewalArrived.resolve();
          await duringRefused.promise;
          await pause(100); // the 401s above reach the client while the renewal is still pending
        }
        sendJson(res, 200, { token: fresh });
        if (issued.length === 2) renewalAnswered.resolve();
        return;
      }
      const call = request.url.split('/').pop()!;
      if (!revoked || bearerOf(request) !== issued[0]) return sendJson(res, 200, { ...account, id: call });
      arrived.add(call);
      if (expected.every((name) => arrived.has(name))) allArrived.resolve();
      await allArrived.promise;
      if (round.duringRenewal.includes(call)) {
        await renewalArrived.promise;
        sendJson(res, 401, { message: 'token expired' });
        if ((refusedDuring += 1) === round.duringRenewal.length) duringRefused.resolve();
        return;
      }
      if (round.afterRenewal?.includes(call)) {
        await renewalAnswered.promise;
        await pause(100); // the client has the new token by now
      }
      sendJson(res, 401, { message: 'token expired' });
    });
    return {
      server,
      issued,
      revoke: () => void (revoked = true),
      exchanges: () => exchangesIn(server.requests),
      callsTo: (name: string) => callsIn(server.requests).filter((r) => r.url.endsWith(`/${name}`)),
    };
  }

  /** Settles every call; rethrows the first failure, so a failing test names it. */
  async function allSucceed(calls: Array<Promise<unknown>>) {
    const results = await Promise.allSettled(calls);
    for (const result of results) if (result.status === 'rejected') throw result.reason;
    return results.map((result) => (result as PromiseFulfilledResult<unknown>).value);
  }

  it('a second call answered 401 during the pending renewal waits for it, is resent once with the NEW token, and costs no exchange', async () => {
    const service = await renewingService({ first: 'A', duringRenewal: ['B'] });
    const togai = shortLived(service.server.url);
    await togai.accounts.get({ accountId: 'WARM' }); // token 1 in hand
    service.revoke();
    await allSucceed([togai.accounts.get({ accountId: 'A' }), togai.accounts.get({ accountId: 'B' })]);
    expect(service.exchanges()).toHaveLength(2); // exactly one more than the first, not one per 401
    expect(service.callsTo('B').map(bearerOf)).toEqual([service.issued[0], service.issued[1]]);
    expect(service.callsTo('A').map(bearerOf)).toEqual([service.issued[0], service.issued[1]]);
  });

  it('four calls answered 401 during the pending renewal: each resent once with the new token, one exchange in all', async () => {
    const during = ['B', 'C', 'D', 'E'];
    const service = await renewingService({ first: 'A', duringRenewal: during });
    const togai = shortLived(service.server.url);
    await togai.accounts.get({ accountId: 'WARM' });
    service.revoke();
    await allSucceed(['A', ...during].map((id) => togai.accounts.get({ accountId: id })));
    expect(service.exchanges()).toHaveLength(2);
    for (const name of during)
      expect(service.callsTo(name).map(bearerOf), name).toEqual([service.issued[0], service.issued[1]]);
  });

  it('a POST answered 401 during the pending renewal is resent once with the new token, with the same body', async () => {
    const service = await renewingService({ first: 'A', duringRenewal: ['accounts'] });
    const togai = shortLived(service.server.url);
    await togai.accounts.get({ accountId: 'WARM' });
    service.revoke();
    const newAccount = { id: 'ACC9', name: 'Acme', customerId: 'CUS9' };
    await allSucceed([togai.accounts.get({ accountId: 'A' }), togai.accounts.create({ body: newAccount })]);
    expect(service.exchanges()).toHaveLength(2);
    const posts = service.callsTo('accounts');
    expect(posts.map(bearerOf)).toEqual([service.issued[0], service.issued[1]]);
    expect(posts.map((r) => JSON.parse(r.body))).toEqual([newAccount, newAccount]);
  });

  it('(kept) a call that left with the old token and is refused after the renewal finished is resent with the new token, no further exchange', async () => {
    const service = await renewingService({ first: 'A', duringRenewal: [], afterRenewal: ['B'] });
    const togai = shortLived(service.server.url);
    await togai.accounts.get({ accountId: 'WARM' });
    service.revoke();
    // Nothing is refused "during" here, so the renewal answers after its 100 ms pause alone.
    await allSucceed([togai.accounts.get({ accountId: 'A' }), togai.accounts.get({ accountId: 'B' })]);
    expect(service.exchanges()).toHaveLength(2);
    expect(service.callsTo('B').map(bearerOf)).toEqual([service.issued[0], service.issued[1]]);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('(2) a hanging token exchange does not hold the caller', () => {
  /** A token service whose `POST /authenticate` hangs until `answer()`; afterwards exchanges answer at once. */
  async function hangingService() {
    const answered = deferred();
    const server = await serve(async (request, res) => {
      if (request.url === '/authenticate') {
        await answered.promise;
        return sendJson(res, 200, { token: jwt(exchangesIn(server.requests).length) });
      }
      sendJson(res, 200, account);
    });
    // The exchange's own timeout is long: only the caller's signal or timeout can end the call early.
    const togai = shortLived(server.url, { timeout: 30_000, maxRetries: 0 });
    return { server, togai, answer: () => answered.resolve() };
  }

  /** After the hanging exchange is answered, a new call gets a token and goes through: nothing was left broken. */
  async function expectStillWorking(service: Awaited<ReturnType<typeof hangingService>>) {
    service.answer();
    await expect(service.togai.accounts.get({ accountId: 'LATER' })).resolves.toEqual(account);
    const later = callsIn(service.server.requests).filter((r) => r.url === '/accounts/LATER');
    expect(later).toHaveLength(1);
    expect(later[0]!.headers.authorization).toMatch(/^Bearer ey/);
    expect(later[0]!.headers['x-api-key']).toBeUndefined();
  }

  it('a signal aborted while /authenticate hangs rejects the call with TogaiAbortError within ~100 ms', async () => {
    const service = await hangingService();
    const controller = new AbortController();
    const call = service.togai.accounts.get({ accountId: 'A' }, { signal: controller.signal });
    await pause(50);
    expect(exchangesIn(service.server.requests)).toHaveLength(1); // the exchange is hanging now
    const abortedAt = performance.now();
    controller.abort();
    const outcome = await settleWithin(call, 1_000);
    if (!outcome.settled) throw new Error('the call was still pending 1000 ms after its signal aborted');
    expect(outcome.error).toBeInstanceOf(TogaiAbortError);
    expect(outcome.at - abortedAt).toBeLessThan(150);
    expect(callsIn(service.server.requests)).toHaveLength(0);
    await expectStillWorking(service);
  });

  it('a per-call timeout of 100 ms while /authenticate hangs rejects with TogaiTimeoutError within 500 ms', async () => {
    const service = await hangingService();
    const start = performance.now();
    const call = service.togai.accounts.get({ accountId: 'A' }, { timeout: 100 });
    const outcome = await settleWithin(call, 1_000);
    if (!outcome.settled) throw new Error('the call was still pending 1000 ms after it started, with timeout: 100');
    expect(outcome.error).toBeInstanceOf(TogaiTimeoutError);
    expect(outcome.at - start).toBeGreaterThanOrEqual(100 - slack);
    expect(outcome.at - start).toBeLessThan(500);
    expect(callsIn(service.server.requests)).toHaveLength(0);
    await expectStillWorking(service);
  });

  it('one caller aborting does not fail another waiting for the same exchange, which goes through once it answers', async () => {
    const service = await hangingService();
    const controller = new AbortController();
    const aborted = service.togai.accounts.get({ accountId: 'A' }, { signal: controller.signal });
    const patient = service.togai.accounts.get({ accountId: 'B' });
    patient.catch(() => undefined);
    await pause(50);
    controller.abort();
    const outcome = await settleWithin(aborted, 1_000);
    if (!outcome.settled) throw new Error('the aborted call was still pending 1000 ms after its signal aborted');
    expect(outcome.error).toBeInstanceOf(TogaiAbortError);
    service.answer();
    await expect(patient).resolves.toEqual(account);
    expect(callsIn(service.server.requests).map((r) => r.url)).toEqual(['/accounts/B']);
  });

  it('the raw api: a signal aborted while /authenticate hangs rejects with TogaiAbortError within ~100 ms', async () => {
    const service = await hangingService();
    const controller = new AbortController();
    const call = service.togai.api.GET('/accounts/{account_id}', {
      params: { path: { account_id: 'A' } },
      signal: controller.signal,
    });
    await pause(50);
    const abortedAt = performance.now();
    controller.abort();
    const outcome = await settleWithin(call, 1_000);
    if (!outcome.settled) throw new Error('the raw call was still pending 1000 ms after its signal aborted');
    expect(outcome.error).toBeInstanceOf(TogaiAbortError);
    expect(outcome.at - abortedAt).toBeLessThan(150);
    await expectStillWorking(service);
  });

  it('a paginated list: a signal aborted while /authenticate hangs ends the walk with TogaiAbortError', async () => {
    const service = await hangingService();
    const controller = new AbortController();
    const walk = (async () => {
      for await (const item of service.togai.accounts.list({}, { signal: controller.signal })) void item;
    })();
    await pause(50);
    controller.abort();
    const outcome = await settleWithin(walk, 1_000);
    if (!outcome.settled) throw new Error('the walk was still pending 1000 ms after its signal aborted');
    expect(outcome.error).toBeInstanceOf(TogaiAbortError);
    await expectStillWorking(service);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('(3) a token from another origin is never adopted', () => {
  const foreignToken = 'foreign-origin-token-0123456789';

  /** The API, whose /authenticate redirects (`status`) to `target(foreign)`; the API answers 200 to any call. */
  async function redirectedExchange(status: number, target: (foreign: string, home: string) => string) {
    const foreign = await serve((_, res) => sendJson(res, 200, { token: foreignToken }));
    let homeUrl = '';
    const home = await serve((request, res) => {
      if (request.url === '/authenticate') return redirect(res, status, target(foreign.url, homeUrl));
      if (request.url === '/elsewhere') return sendJson(res, 200, { token: foreignToken }); // via another spelling of the origin
      if (request.url === '/v2/authenticate') return redirect(res, 307, `${foreign.url}/authenticate`);
      sendJson(res, 200, account);
    });
    homeUrl = home.url;
    return { foreign, home };
  }

  async function expectNotAdopted(
    home: { url: string; requests: RecordedRequest[] },
    foreignRequests: RecordedRequest[],
  ) {
    const togai = shortLived(home.url, { maxRetries: 0 });
    const first = await failure(togai.accounts.get({ accountId: 'ACC1' }));
    expect(first).toBeInstanceOf(TogaiError);
    await togai.accounts.get({ accountId: 'ACC2' }).catch(() => undefined); // a later call
    for (const request of callsIn(home.requests)) {
      expect(request.headers.authorization ?? '', request.url).not.toContain(foreignToken);
    }
    for (const request of foreignRequests) {
      expect(request.headers['x-api-key']).toBeUndefined();
      expect(JSON.stringify(request)).not.toContain(apiKey);
    }
  }

  it.each([301, 302, 303, 307, 308])(
    '/authenticate answered %i to another loopback origin that hands out a token: the call fails',
    async (status) => {
      const { foreign, home } = await redirectedExchange(status, (foreignUrl) => `${foreignUrl}/authenticate`);
      await expectNotAdopted(home, foreign.requests);
      expect(foreign.requests.length).toBeGreaterThan(0); // the redirect was followed, and its answer refused
    },
  );

  it('the same server under another spelling of its origin (localhost instead of 127.0.0.1) is another origin', async () => {
    const { foreign, home } = await redirectedExchange(
      307,
      (_, homeUrl) => `${homeUrl.replace('127.0.0.1', 'localhost')}/elsewhere`,
    );
    await expectNotAdopted(home, foreign.requests);
    const elsewhere = home.requests.filter((r) => r.url === '/elsewhere');
    expect(elsewhere.length).toBeGreaterThan(0);
    for (const request of elsewhere) expect(request.headers['x-api-key']).toBeUndefined();
  });

  it('a same-origin hop first, then another origin: the foreign token is still refused', async () => {
    const { foreign, home } = await redirectedExchange(307, () => '/v2/authenticate');
    await expectNotAdopted(home, foreign.requests);
  });

  it('(kept) a redirect within the API origin still yields a usable token', async () => {
    const issued = jwt(1);
    const home = await serve((request, res) => {
      if (request.url === '/authenticate') return redirect(res, 308, '/v2/authenticate');
      if (request.url === '/v2/authenticate') return sendJson(res, 200, { token: issued });
      sendJson(res, 200, account);
    });
    await expect(shortLived(home.url).accounts.get({ accountId: 'ACC1' })).resolves.toEqual(account);
    expect(
      callsIn(home.requests)
        .filter((r) => r.url === '/accounts/ACC1')
        .map(bearerOf),
    ).toEqual([issued]);
  });
});

// ---------------------------------------------------------------------------------------------------------------

const invoiceBody = {
  accountId: 'ACC1',
  startDate: '2024-07-01T00:00:00Z',
  endDate: '2024-07-31T23:59:59Z',
  status: 'DRAFT' as const,
  lineItems: [],
};
const purchaseBody = { pricePlanId: 'PP1' };
const grant = (accountId: string) => ({
  accountId,
  purpose: 'promo',
  effectiveFrom: '2024-07-01',
  priority: 1,
  creditAmount: 10,
});
const usageEvent = (): Event => ({
  schemaName: 'api_calls',
  timestamp: '2024-07-15T10:30:00Z',
  accountId: 'ACC1',
  attributes: [{ name: 'calls', value: '1', unit: 'None' }],
  dimensions: { region: 'us-east-1' },
});

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

describe("(4) a caller's idempotency key is never replaced or dropped", () => {
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

// ---------------------------------------------------------------------------------------------------------------

describe('(5) pagination detects cycles in bounded memory', () => {
  let dir = '';
  beforeAll(async () => {
    // The SDK's public entry point bundled from src/, so a plain `node --expose-gc` child can import it.
    await mkdir(join(root, '.tmp'), { recursive: true });
    dir = await mkdtemp(join(root, '.tmp', 'hardening-3-'));
    await build({
      entryPoints: [join(root, 'src', 'index.ts')],
      bundle: true,
      format: 'esm',
      platform: 'node',
      packages: 'external',
      outfile: join(dir, 'sdk.mjs'),
      logLevel: 'error',
    });
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const mib = 1024 * 1024;

  /**
   * How the memory is measured, and why it is deterministic: the walk runs in a child `node --expose-gc` process
   * of its own (no vitest, no other test), which forces two full collections before each reading, so `heapUsed`
   * is what is still reachable. The baseline is taken after the first page, once the SDK is loaded; growth is
   * read every 20 pages during the walk and once after it. Retaining the 80 tokens of 1 MiB grows it by about
   * 80 MiB; a walk that keeps O(1) tokens stays within a few MiB.
   *
   * The pages come from the client's `fetch` option, inside the child, not from a loopback server: Node's own
   * fetch keeps every request URL (here 1 MiB each, the token is in the query) in the performance timeline's
   * resource-timing buffer, up to 250 entries, which would swamp the reading with memory that is not the SDK's;
   * and 80 requests with 1 MiB URLs through undici and node:http take 3–5 s. This `fetch` keeps nothing: it
   * reads the page number off the token it is sent, checks the token is the one it handed out, and answers.
   */
  const walker = `
import { createTogaiClient } from './sdk.mjs';
const filler = 'x'.repeat(${mib});
const pages = 80;
let requests = 0, wrongTokens = 0;
const servePages = async (input) => {
  requests += 1;
  const url = typeof input === 'string' ? input : input.url;
  const at = url.indexOf('nextToken=');
  let index = 0;
  if (at !== -1) {
    // The token handed out was "<page>:" and 1 MiB of "x"; the colon may travel percent-encoded.
    const sent = url.slice(at + 'nextToken='.length);
    let digits = 0;
    while (sent.charCodeAt(digits) >= 48 && sent.charCodeAt(digits) <= 57) digits += 1;
    const colon = sent[digits] === ':' ? 1 : sent.slice(digits, digits + 3).toUpperCase() === '%3A' ? 3 : 0;
    index = Number(sent.slice(0, digits)) + 1;
    const rest = sent.slice(digits + colon);
    if (digits === 0 || colon === 0 || rest.length !== filler.length || rest !== filler) wrongTokens += 1;
  }
  const body = { data: [{ id: 'ACC' + index, name: 'Acme', customerId: 'CUS1', status: 'ACTIVE' }] };
  if (index < pages) body.nextToken = index + ':' + filler; // each token distinct, 1 MiB
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
};
const togai = createTogaiClient({ baseUrl: 'http://127.0.0.1:9', token: 'memory-walk-token-0123456789', pathStyle: 'flat', maxRetryDelay: 0, fetch: servePages });
const heap = () => { performance.clearResourceTimings(); globalThis.gc(); globalThis.gc(); return process.memoryUsage().heapUsed; };
let baseline = 0, peak = 0, walked = 0, items = 0, error;
try {
  for await (const page of togai.accounts.list().pages()) {
    walked += 1;
    items += page.items.length;
    if (walked === 1) baseline = heap();
    else if (walked % 20 === 0) peak = Math.max(peak, heap() - baseline);
  }
} catch (caught) {
  error = String(caught?.name) + ': ' + String(caught?.message).slice(0, 200);
}
const after = heap() - baseline;
console.log(JSON.stringify({ pages: walked, items, requests, wrongTokens, peakMiB: peak / ${mib}, afterMiB: after / ${mib}, error }));
`;

  function runWalker() {
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const file = join(dir, 'walker.mjs');
      writeFile(file, walker).then(() => {
        execFile(
          process.execPath,
          ['--expose-gc', file],
          { timeout: 20_000, killSignal: 'SIGKILL' },
          (error, stdout, stderr) =>
            resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
        );
      }, reject);
    });
  }

  it('80 pages with 1 MiB page tokens: retained heap grows < 20 MiB during the walk and after it', async () => {
    const result = await runWalker();
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout.trim().split('\n').pop()!) as {
      pages: number;
      items: number;
      requests: number;
      wrongTokens: number;
      peakMiB: number;
      afterMiB: number;
      error?: string;
    };
    expect(report.error).toBeUndefined();
    expect([report.pages, report.items, report.requests, report.wrongTokens]).toEqual([81, 81, 81, 0]);
    expect(report.peakMiB, 'retained heap growth during the walk, MiB').toBeLessThan(20);
    expect(report.afterMiB, 'retained heap growth after the walk, MiB').toBeLessThan(20);
  });

  /** Page tokens `prefix` distinct ones, then `cycle` repeating for ever. */
  async function cyclingServer(prefixLength: number, cycleLength: number) {
    const sequence = [
      ...Array.from({ length: prefixLength }, (_, i) => `distinct-${i}`),
      ...Array.from(
        { length: cycleLength },
        (_, i) => `cycle-${String.fromCharCode(65 + (i % 26))}${Math.floor(i / 26)}`,
      ),
    ];
    return serve((request, res) => {
      const current = new URL(request.url, 'http://x').searchParams.get('nextToken');
      const at = current === null ? -1 : sequence.indexOf(current);
      const next = at + 1 < sequence.length ? at + 1 : prefixLength;
      sendJson(res, 200, { data: [{ ...account, id: `after-${current}` }], nextToken: sequence[next] });
    });
  }

  it.each([
    ['A → B → C → A', 0, 3],
    ['a cycle of one token', 0, 1],
    ['a long cycle of 200 tokens', 0, 200],
    ['a cycle of 3 that starts after 100 distinct pages', 100, 3],
    ['a cycle of 50 that starts after 100 distinct pages', 100, 50],
  ])('(kept) %s: TogaiPaginationError within 3 × (start + length) requests', async (_, start, length) => {
    const server = await cyclingServer(start, length);
    const error = await failure(async () => {
      for await (const item of clientFor(server.url).accounts.list()) void item;
    });
    expect(error).toBeInstanceOf(TogaiPaginationError);
    expect(server.requests.length).toBeGreaterThan(start + length);
    // Brent's method keeps one token and finds a cycle by its second lap or so: at most about 2.3 × its length
    // when it starts at once, 2 × its start plus its length when it starts late.
    expect(server.requests.length).toBeLessThanOrEqual(3 * (start + length) + 2);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('(6) a malformed page is an error, not the end of the list', () => {
  /** Page 1 is `first`; page 2 (asked for with token "p2") is `second`. */
  const pagesServer = (first: object, second: object = { data: [] }) =>
    serve((request, res) => {
      const current = new URL(request.url, 'http://x').searchParams.get('nextToken');
      sendJson(res, 200, current === null ? first : second);
    });

  async function walk(list: AsyncIterable<unknown>) {
    const seen: unknown[] = [];
    for await (const item of list) seen.push(item);
    return seen;
  }

  it.each([
    ['a number', 42],
    ['an object', { token: 'p2' }],
    ['true', true],
    ['an array', ['p2']],
  ])('a nextToken that is %s: for await rejects with a TogaiError naming nextToken', async (_, nextToken) => {
    const server = await pagesServer({ data: [account], nextToken });
    const error = await failure(walk(clientFor(server.url).accounts.list()));
    expect(error).toBeInstanceOf(TogaiError);
    expect(error.message).toMatch(/nextToken/);
  });

  it.each([
    ['an object', {}],
    ['a string', 'x'],
    ['a number', 7],
  ])('items ("data") that are %s: for await rejects with a TogaiError naming the field', async (_, data) => {
    const server = await pagesServer({ data, nextToken: 'p2' });
    const error = await failure(walk(clientFor(server.url).accounts.list()));
    expect(error).toBeInstanceOf(TogaiError);
    expect(error.message).toMatch(/\bdata\b/);
  });

  it('a malformed second page (nextToken 7) rejects after the first page’s items', async () => {
    const server = await pagesServer({ data: [account], nextToken: 'p2' }, { data: [account], nextToken: 7 });
    const seen: unknown[] = [];
    const error = await failure(async () => {
      for await (const item of clientFor(server.url).accounts.list()) seen.push(item);
    });
    expect(error).toBeInstanceOf(TogaiError);
    expect(error.message).toMatch(/nextToken/);
    expect(seen.length).toBeGreaterThanOrEqual(1);
  });

  it('a second page whose data is an object rejects; so does the page-by-page walk', async () => {
    const server = await pagesServer({ data: [account], nextToken: 'p2' }, { data: { 0: account } });
    const error = await failure(walk(clientFor(server.url).accounts.list().pages()));
    expect(error).toBeInstanceOf(TogaiError);
    expect(error.message).toMatch(/\bdata\b/);
  });

  it('events.list, whose items field is "events": events that are an object reject, naming "events"', async () => {
    const server = await pagesServer({ events: { id: 'E1' }, nextToken: 'p2' });
    const error = await failure(walk(clientFor(server.url).events.list()));
    expect(error).toBeInstanceOf(TogaiError);
    expect(error.message).toMatch(/\bevents\b/);
  });

  it.each([
    ['nextToken: null', { data: [account], nextToken: null }],
    ['no nextToken', { data: [account] }],
  ])('(kept) a page with %s ends the walk normally', async (_, page) => {
    const server = await pagesServer(page);
    await expect(walk(clientFor(server.url).accounts.list())).resolves.toEqual([account]);
    expect(server.requests).toHaveLength(1);
  });

  it('(kept) a page without the items field counts as empty, and the walk goes on', async () => {
    const server = await pagesServer({ nextToken: 'p2' }, { data: [account] });
    await expect(walk(clientFor(server.url).accounts.list())).resolves.toEqual([account]);
    expect(server.requests).toHaveLength(2);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('(7) what ingester.add() accepted is what is sent', () => {
  async function ingestWith(
    mutateAfterAdd: (event: Event & Record<string, unknown>) => void,
    event: Event & Record<string, unknown> = usageEvent(),
  ) {
    const server = await serve((_, res) => sendJson(res, 202, { success: true }));
    const ingester = createIngester(clientFor(server.url), { flushInterval: 60_000 });
    const accepted = JSON.parse(JSON.stringify(event)) as Event;
    const id = await ingester.add(event);
    mutateAfterAdd(event);
    const report = await ingester.close();
    expect(report.accepted).toBe(1);
    const sent = server.requests.flatMap((r) => (JSON.parse(r.body) as { events: Event[] }).events);
    expect(sent).toEqual([{ ...accepted, id }]);
  }

  it('changing attributes[0].value after add() does not change what the server receives', async () => {
    await ingestWith((event) => void (event.attributes[0]!.value = '999'));
  });

  it('changing, adding or deleting a dimension after add() does not change what is sent', async () => {
    await ingestWith((event) => {
      event.dimensions.region = 'mutated';
      event.dimensions.x = 'added';
    });
    await ingestWith((event) => void delete event.dimensions.region);
  });

  it('pushing to or emptying the attributes array after add() does not change what is sent', async () => {
    await ingestWith((event) => void event.attributes.push({ name: 'extra', value: '1', unit: 'None' }));
    await ingestWith((event) => void event.attributes.splice(0));
  });

  it('a nested object deeper down, changed after add(), is sent as it was', async () => {
    const event = { ...usageEvent(), extra: { deep: { level: 'original' }, list: [{ n: 1 }] } };
    await ingestWith((added) => {
      const extra = added.extra as { deep: { level: string }; list: Array<{ n: number }> };
      extra.deep.level = 'mutated';
      extra.list[0]!.n = 2;
    }, event);
  });

  it('an event whose toJSON() returns an object it keeps and mutates later is sent as toJSON() returned it at add()', async () => {
    const server = await serve((_, res) => sendJson(res, 202, { success: true }));
    const ingester = createIngester(clientFor(server.url), { flushInterval: 60_000 });
    class Usage {
      readonly payload = { ...usageEvent(), id: 'usage-1' };
      toJSON() {
        return this.payload;
      }
    }
    const usage = new Usage();
    const accepted = JSON.parse(JSON.stringify(usage.payload)) as Event;
    await ingester.add(usage as unknown as Event);
    usage.payload.attributes[0]!.value = '999';
    usage.payload.dimensions.region = 'mutated';
    usage.payload.accountId = 'ACC-MUTATED';
    await ingester.close();
    const sent = server.requests.flatMap((r) => (JSON.parse(r.body) as { events: Event[] }).events);
    expect(sent).toEqual([accepted]);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('(8) hostile inputs give a TogaiValidationError, never a TypeError, and send nothing', () => {
  const throwing = (thrown: unknown) => () => {
    throw thrown;
  };

  it.each([
    [
      'a getter on attributes that throws',
      () =>
        Object.defineProperty(usageEvent(), 'attributes', {
          get: throwing(new Error('getter boom')),
          enumerable: true,
        }),
    ],
    [
      'a getter on id that throws',
      () => Object.defineProperty(usageEvent(), 'id', { get: throwing(new Error('getter boom')), enumerable: true }),
    ],
    [
      'a getter on toJSON that throws',
      () => Object.defineProperty(usageEvent(), 'toJSON', { get: throwing(new Error('getter boom')) }),
    ],
    [
      'a getter that throws a string, not an Error',
      () => Object.defineProperty(usageEvent(), 'dimensions', { get: throwing('plain string'), enumerable: true }),
    ],
    ['a Proxy whose get trap throws', () => new Proxy(usageEvent(), { get: throwing(new Error('trap boom')) })],
    ['a Proxy whose ownKeys trap throws', () => new Proxy(usageEvent(), { ownKeys: throwing(new Error('trap boom')) })],
    [
      'a Proxy whose getOwnPropertyDescriptor trap throws',
      () => new Proxy(usageEvent(), { getOwnPropertyDescriptor: throwing(new Error('trap boom')) }),
    ],
    [
      'a Proxy whose every trap throws',
      () =>
        new Proxy(usageEvent(), {
          get: throwing(new TypeError('trap boom')),
          has: throwing(new TypeError('has')),
          ownKeys: throwing(new TypeError('keys')),
        }),
    ],
  ])('ingester.add() of an object with %s', async (_, make) => {
    const server = await serve((__, res) => sendJson(res, 202, { success: true }));
    const ingester = createIngester(clientFor(server.url), { flushInterval: 0 });
    const error = await failure(() => ingester.add(make() as Event));
    expect(error).toBeInstanceOf(TogaiValidationError);
    await ingester.close();
    expect(server.requests).toHaveLength(0);
  });

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

// ---------------------------------------------------------------------------------------------------------------

describe('(9) a raw path starts with "/" and stays on the base URL’s origin', () => {
  /**
   * Two loopback servers whose ports share a prefix: home on port P, other on port P·10 + d. With baseUrl
   * `http://localhost:P`, the raw path "d/steal" is joined into `http://localhost:Pd/steal`: the other server,
   * so a path that changes the origin is seen reaching it (today it does, with the body and custom headers).
   */
  async function prefixedPair() {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const port = 1024 + Math.floor(Math.random() * (6553 - 1024));
      const digit = Math.floor(Math.random() * 10);
      if (port * 10 + digit > 65535) continue;
      try {
        const home = await recordingServer(port, (_, res) => sendJson(res, 200, account));
        try {
          const other = await recordingServer(port * 10 + digit, (_, res) => sendJson(res, 200, { stolen: true }));
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

// ---------------------------------------------------------------------------------------------------------------

describe('(10) a credential split by invisible characters is still redacted', () => {
  const secret = 'hardening-split-secret-0123456789abcdef';
  const cut = 20;
  const splits: Array<[string, string]> = [
    ['a zero-width space (U+200B)', '\u200b'],
    ['a zero-width joiner (U+200D)', '\u200d'],
    ['a soft hyphen (U+00AD)', '\u00ad'],
    ['a BOM (U+FEFF)', '\ufeff'],
    ['CR LF', '\r\n'],
    ['LF', '\n'],
    ['CR', '\r'],
    ['NUL', '\0'],
  ];
  /** The text with every separator above removed, raw or JSON-escaped: what a reader would put back together. */
  const rejoined = (text: string) =>
    text.replace(/\\(?:r|n|u0000|u200b|u200d|u00ad|ufeff)/gi, '').replace(/[\s\u200b\u200d\u00ad\ufeff\u0000]/g, '');

  const cases: Array<readonly [string, 'token' | 'apiKey', string]> = splits.flatMap(([name, separator]) =>
    (['token', 'apiKey'] as const).map(
      (kind) => [`${kind} split by ${name}`, kind, `${secret.slice(0, cut)}${separator}${secret.slice(cut)}`] as const,
    ),
  );
  cases.push(['token with U+200B between every character', 'token', [...secret].join('\u200b')]);
  cases.push([
    'apiKey with a soft hyphen and CR LF',
    'apiKey',
    `${secret.slice(0, 10)}\u00ad${secret.slice(10, 25)}\r\n${secret.slice(25)}`,
  ]);

  it.each(cases)('%s, echoed in the error body’s message', async (_, kind, echoed) => {
    const server = await serve((__, res) => sendJson(res, 401, { message: `credential ${echoed} is not valid` }));
    const client = createTogaiClient({ baseUrl: server.url, pathStyle: 'flat', maxRetries: 0, [kind]: secret });
    const error = await failure(client.accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiError);
    for (const [where, text] of [
      ['message', error.message],
      ['JSON.stringify(error)', JSON.stringify(error)],
    ] as const) {
      expect(text, where).not.toContain(secret);
      expect(text, where).not.toContain(echoed);
      expect(rejoined(text), `${where}, invisible characters removed`).not.toContain(secret);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('(11) a credential with leading or trailing whitespace is refused', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  const secret = 'hardening-padded-secret-0123456789';
  const padded: Array<[string, string]> = [
    ['a leading space', ` ${secret}`],
    ['a trailing space', `${secret} `],
    ['a leading tab', `\t${secret}`],
    ['a trailing tab', `${secret}\t`],
    ['spaces and tabs on both sides', ` \t${secret}\t `],
  ];

  const expectRefused = (error: Error) => {
    expect(error).toBeInstanceOf(TogaiConfigurationError);
    expect(error.message).toMatch(/leading or trailing whitespace/);
    expect(error.message).not.toContain(secret);
  };

  it.each(
    padded.flatMap(([name, value]) =>
      (['token', 'apiKey'] as const).map((kind) => [`${kind} with ${name}`, kind, value] as const),
    ),
  )('%s (option) is refused at createTogaiClient', (_, kind, value) => {
    expectRefused(thrownBy(() => createTogaiClient({ baseUrl: 'http://127.0.0.1:1', [kind]: value })));
  });

  it.each(
    padded.flatMap(([name, value]) =>
      (['TOGAI_API_TOKEN', 'TOGAI_API_KEY'] as const).map(
        (variable) => [`${variable} with ${name}`, variable, value] as const,
      ),
    ),
  )('%s (environment) is refused at createTogaiClient', (_, variable, value) => {
    vi.stubEnv('TOGAI_API_TOKEN', '');
    vi.stubEnv('TOGAI_API_KEY', '');
    vi.stubEnv(variable, value);
    expectRefused(thrownBy(() => createTogaiClient({ baseUrl: 'http://127.0.0.1:1' })));
  });

  it('an apiKey with a trailing space is refused for shortLivedToken too, before any exchange', async () => {
    const server = await answering();
    expectRefused(
      thrownBy(() => createTogaiClient({ baseUrl: server.url, apiKey: `${secret} `, shortLivedToken: true })),
    );
    expect(server.requests).toHaveLength(0);
  });
});

// ---------------------------------------------------------------------------------------------------------------

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
    [string, Omit<TogaiClientOptions, 'baseUrl' | 'pathStyle'>, (res: ServerResponse) => void, number]
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
