// shortLivedToken: the client trades its API key for a bearer token at POST /authenticate, against a scripted
// loopback server that plays Togai's token service and API: one exchange for concurrent calls, renewal before
// expiry and once after a 401 (also when the 401 arrives during a renewal), a token service that hangs, refuses,
// redirects to another origin or hands out unusable tokens.
import { inspect } from 'node:util';
import { describe, expect, it, test, vi } from 'vitest';
import {
  AuthenticationError,
  createTogaiClient,
  TogaiAbortError,
  TogaiConfigurationError,
  TogaiError,
  TogaiResponseParseError,
  TogaiTimeoutError,
} from '../src/index.js';
import { apiKey, clientFor, type ClientForOptions } from './support/client.js';
import { account } from './support/fixtures.js';
import { sendJson, type RecordedRequest } from './support/http-server.js';
import { failure, redirect, useServers } from './support/scripted.js';
import { deferred, pause, settleWithin, slack } from './support/timing.js';

const { serve } = useServers();

/** A client that trades `apiKey` for short-lived tokens. */
const shortLived = (url: string, options: Omit<ClientForOptions, 'token' | 'apiKey'> = {}) =>
  clientFor(url, { apiKey, shortLivedToken: true, ...options });

/** A JWT whose payload says when it expires (`exp`, seconds); the signature is never checked here. */
function jwt(serial: number, expiresInSeconds = 24 * 3600): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'HS256' })}.${encode({ sub: 'org', n: serial, exp: Math.floor(Date.now() / 1000) + expiresInSeconds })}.sig${serial}`;
}

const bearerOf = (request: RecordedRequest) => String(request.headers.authorization ?? '').replace(/^Bearer /, '');
const exchangesIn = (requests: RecordedRequest[]) => requests.filter((r) => r.url === '/authenticate');
const callsIn = (requests: RecordedRequest[]) => requests.filter((r) => r.url !== '/authenticate');

interface Script {
  /** Lifetime of each issued token, in seconds. */
  lifetime?: number;
  /** Decides the API's answer to a request bearing the given token (default 200). */
  api?: (token: string, request: RecordedRequest) => number;
  /** Status of the token service (default 200). */
  exchange?: () => number;
  /** The token service's 200 body for the n-th token (default `{ token: <a JWT> }`). */
  answer?: (token: string) => unknown;
}

async function togaiServer(script: Script = {}) {
  const issued: string[] = [];
  const server = await serve(async (req, res) => {
    if (req.url === '/authenticate') {
      const status = script.exchange?.() ?? 200;
      if (status !== 200) return sendJson(res, status, { message: `key ${req.headers['x-api-key']} refused` });
      // Concurrent callers must find one exchange in flight, so answer a little later.
      await pause(30);
      issued.push(jwt(issued.length + 1, script.lifetime));
      return sendJson(res, 200, script.answer ? script.answer(issued.at(-1)!) : { token: issued.at(-1) });
    }
    const token = bearerOf(req);
    const status = script.api?.(token, req) ?? 200;
    return status === 200 ? sendJson(res, 200, { id: 'ACC1', name: 'Acme' }) : sendJson(res, status, { message: `token ${token} rejected` });
  });
  const exchanges = () => exchangesIn(server.requests);
  const calls = () => callsIn(server.requests);
  return { server, issued, exchanges, calls };
}

describe('short-lived tokens', () => {
  test('one exchange serves many concurrent first calls; calls carry the token, never the API key', async () => {
    const { server, issued, exchanges, calls } = await togaiServer();
    const togai = shortLived(server.url, { maxRetryDelay: 1 });
    await Promise.all(Array.from({ length: 25 }, (_, i) => togai.accounts.get({ accountId: `ACC${i}` })));
    expect(exchanges()).toHaveLength(1);
    expect(exchanges()[0]!.method).toBe('POST');
    expect(exchanges()[0]!.headers['x-api-key']).toBe(apiKey);
    expect(calls()).toHaveLength(25);
    for (const call of calls()) {
      expect(call.headers.authorization).toBe(`Bearer ${issued[0]}`);
      expect(call.headers['x-api-key']).toBeUndefined();
    }
  });

  test('the token is renewed before it expires', async () => {
    const { server, exchanges, calls, issued } = await togaiServer({ lifetime: 1 });
    const togai = shortLived(server.url, { maxRetryDelay: 1 });
    await togai.accounts.get({ accountId: 'A' });
    await pause(1_100);
    await togai.accounts.get({ accountId: 'A' });
    expect(exchanges()).toHaveLength(2);
    expect(calls().map((c) => c.headers.authorization)).toEqual([`Bearer ${issued[0]}`, `Bearer ${issued[1]}`]);
  });

  test('a 401 renews the token once and resends, even a POST the server refused', async () => {
    const { server, exchanges, calls, issued } = await togaiServer({ api: (token) => (token === issued[0] ? 401 : 200) });
    const togai = shortLived(server.url, { maxRetryDelay: 1 });
    await togai.accounts.create({ body: { id: 'ACC1', name: 'Acme', customerId: 'CUS1' } });
    expect(exchanges()).toHaveLength(2);
    expect(calls().map((c) => c.headers.authorization)).toEqual([`Bearer ${issued[0]}`, `Bearer ${issued[1]}`]);
    expect(calls()[1]!.body).toBe(calls()[0]!.body);
  });

  test('a second 401 is final: one renewal per call, and the error names no secret', async () => {
    const { server, exchanges, calls, issued } = await togaiServer({ api: () => 401 });
    const togai = shortLived(server.url, { maxRetryDelay: 1 });
    const error = await togai.accounts.get({ accountId: 'A' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(exchanges()).toHaveLength(2);
    expect(calls()).toHaveLength(2);
    const shown = [String((error as Error).message), JSON.stringify(error), inspect(error, { depth: 5 })].join('\n');
    for (const secret of [apiKey, ...issued]) expect(shown).not.toContain(secret);
  });

  test('a refused exchange rejects the call with the token service error; the next call tries again', async () => {
    let refuse = true;
    const { server, exchanges } = await togaiServer({ exchange: () => (refuse ? 401 : 200) });
    const togai = shortLived(server.url, { maxRetryDelay: 1 });
    const error = await togai.accounts.get({ accountId: 'A' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toMatch(/POST \/authenticate failed with 401/);
    expect(JSON.stringify(error) + (error as Error).message + inspect(error, { depth: 5 })).not.toContain(apiKey);
    refuse = false;
    await expect(togai.accounts.get({ accountId: 'A' })).resolves.toMatchObject({ id: 'ACC1' });
    expect(exchanges()).toHaveLength(2);
  });

  test('clients from withOptions share the token; the option cannot be changed there, and must be a boolean', async () => {
    const { server, exchanges } = await togaiServer();
    const togai = shortLived(server.url, { maxRetryDelay: 1 });
    await togai.accounts.get({ accountId: 'A' });
    await togai.withOptions({ timeout: 5_000 }).accounts.get({ accountId: 'A' });
    expect(exchanges()).toHaveLength(1);
    expect(() => togai.withOptions({ shortLivedToken: false } as never)).toThrow(TogaiConfigurationError);
    expect(() => createTogaiClient({ baseUrl: server.url, apiKey, shortLivedToken: 'yes' as never })).toThrow(TogaiConfigurationError);
    expect(inspect(togai)).not.toContain(apiKey);
    expect(JSON.stringify(togai)).toContain('shortLivedToken');
  });

  test('a hostile token service: an already expired token costs one exchange per call, never a loop', async () => {
    const { server, exchanges, calls } = await togaiServer({ lifetime: -60 });
    const togai = shortLived(server.url, { maxRetryDelay: 1 });
    await togai.accounts.get({ accountId: 'A' });
    await togai.accounts.get({ accountId: 'A' });
    expect(calls()).toHaveLength(2);
    expect(exchanges()).toHaveLength(2);
  });

  test('a hostile token service: an unusable token is a parse error that quotes nothing, and nothing else is sent', async () => {
    for (const answer of [() => ({ token: 'abc\r\nX-Evil: 1' }), () => ({ token: '   ' }), () => ({ jwt: 'x' }), (t: string) => t]) {
      const { server, calls } = await togaiServer({ answer });
      const error = await shortLived(server.url, { maxRetryDelay: 1 }).accounts.get({ accountId: 'A' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TogaiResponseParseError);
      expect((error as Error).message).toBe('POST /authenticate answered 200 without a usable token.');
      expect(calls()).toHaveLength(0);
    }
  });
});

describe('a 401 that arrives while the short-lived token is being renewed', () => {
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

/** Aborts `controller` and expects `pending` to reject with TogaiAbortError within 1 s; returns how long it took. */
async function abortAndSettle(controller: AbortController, pending: Promise<unknown>, what: string): Promise<number> {
  const abortedAt = performance.now();
  controller.abort();
  const outcome = await settleWithin(pending, 1_000);
  if (!outcome.settled) throw new Error(`${what} was still pending 1000 ms after its signal aborted`);
  expect(outcome.error).toBeInstanceOf(TogaiAbortError);
  return outcome.at - abortedAt;
}

describe('a hanging token exchange does not hold the caller', () => {
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
    expect(await abortAndSettle(controller, call, 'the call')).toBeLessThan(150);
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
    await abortAndSettle(controller, aborted, 'the aborted call');
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
    expect(await abortAndSettle(controller, call, 'the raw call')).toBeLessThan(150);
    await expectStillWorking(service);
  });

  it('a paginated list: a signal aborted while /authenticate hangs ends the walk with TogaiAbortError', async () => {
    const service = await hangingService();
    const controller = new AbortController();
    const walk = (async () => {
      for await (const item of service.togai.accounts.list({}, { signal: controller.signal })) void item;
    })();
    await pause(50);
    await abortAndSettle(controller, walk, 'the walk');
    await expectStillWorking(service);
  });
});

describe('a renewal after a 401 that hangs does not hold the caller either', () => {
  /** The first exchange answers; every later one (the renewal) hangs until `answer()`. Every call is answered 401 until then. */
  async function renewalHangs() {
    const answered = deferred();
    let renewed = false;
    const server = await serve(async (request, res) => {
      if (request.url !== '/authenticate') return renewed ? sendJson(res, 200, account) : sendJson(res, 401, { message: 'token revoked' });
      if (exchangesIn(server.requests).length > 1) await answered.promise.then(() => (renewed = true));
      sendJson(res, 200, { token: jwt(exchangesIn(server.requests).length) });
    });
    const togai = shortLived(server.url, { timeout: 30_000, maxRetries: 0 });
    return { server, togai, answer: () => answered.resolve() };
  }

  it('a signal aborted while the renewal hangs rejects with TogaiAbortError at once (it waited for the exchange: up to 3 × its timeout)', async () => {
    const service = await renewalHangs();
    const controller = new AbortController();
    const call = service.togai.accounts.get({ accountId: 'A' }, { signal: controller.signal });
    await vi.waitFor(() => expect(exchangesIn(service.server.requests)).toHaveLength(2)); // answered 401, renewing
    expect(await abortAndSettle(controller, call, 'the call')).toBeLessThan(150);
    service.answer();
    await expect(service.togai.accounts.get({ accountId: 'LATER' })).resolves.toEqual(account);
  });

  it('a per-call timeout runs out while the renewal hangs: TogaiTimeoutError within it', async () => {
    const service = await renewalHangs();
    const start = performance.now();
    const outcome = await settleWithin(service.togai.accounts.get({ accountId: 'A' }, { timeout: 300 }), 2_000);
    if (!outcome.settled) throw new Error('the call was still pending 2000 ms after it started, with timeout: 300');
    expect(outcome.error).toBeInstanceOf(TogaiTimeoutError);
    expect(outcome.at - start).toBeLessThan(1_000);
    service.answer();
  });
});

describe('a token from another origin is never adopted', () => {
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
