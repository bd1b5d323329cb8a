// shortLivedToken: the client trades its API key for a bearer token at POST /authenticate, against a scripted
// loopback server that plays Togai's token service and API.
import { inspect } from 'node:util';
import { afterEach, describe, expect, test } from 'vitest';
import { AuthenticationError, createTogaiClient, TogaiConfigurationError, TogaiResponseParseError } from '../src/index.js';
import { sendJson, startServer, type RecordedRequest, type TestServer } from './support/http-server.js';

const apiKey = 'long-lived-api-key-0123456789';
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A JWT whose payload says when it expires (`exp`, seconds); the signature is never checked here. */
function jwt(serial: number, expiresInSeconds = 24 * 3600): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'HS256' })}.${encode({ sub: 'org', n: serial, exp: Math.floor(Date.now() / 1000) + expiresInSeconds })}.sig${serial}`;
}

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
  const server = await startServer(async (req, res) => {
    if (req.url === '/authenticate') {
      const status = script.exchange?.() ?? 200;
      if (status !== 200) return sendJson(res, status, { message: `key ${req.headers['x-api-key']} refused` });
      // Concurrent callers must find one exchange in flight, so answer a little later.
      await new Promise((resolve) => setTimeout(resolve, 30));
      issued.push(jwt(issued.length + 1, script.lifetime));
      return sendJson(res, 200, script.answer ? script.answer(issued.at(-1)!) : { token: issued.at(-1) });
    }
    const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    const status = script.api?.(token, req) ?? 200;
    return status === 200 ? sendJson(res, 200, { id: 'ACC1', name: 'Acme' }) : sendJson(res, status, { message: `token ${token} rejected` });
  });
  servers.push(server);
  const exchanges = () => server.requests.filter((r) => r.url === '/authenticate');
  const calls = () => server.requests.filter((r) => r.url !== '/authenticate');
  return { server, issued, exchanges, calls };
}

const clientFor = (url: string) => createTogaiClient({ baseUrl: url, apiKey, shortLivedToken: true, maxRetryDelay: 1 });

describe('short-lived tokens', () => {
  test('one exchange serves many concurrent first calls; calls carry the token, never the API key', async () => {
    const { server, issued, exchanges, calls } = await togaiServer();
    const togai = clientFor(server.url);
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
    const togai = clientFor(server.url);
    await togai.accounts.get({ accountId: 'A' });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await togai.accounts.get({ accountId: 'A' });
    expect(exchanges()).toHaveLength(2);
    expect(calls().map((c) => c.headers.authorization)).toEqual([`Bearer ${issued[0]}`, `Bearer ${issued[1]}`]);
  });

  test('a 401 renews the token once and resends, even a POST the server refused', async () => {
    const { server, exchanges, calls, issued } = await togaiServer({ api: (token) => (token === issued[0] ? 401 : 200) });
    const togai = clientFor(server.url);
    await togai.accounts.create({ body: { id: 'ACC1', name: 'Acme', customerId: 'CUS1' } });
    expect(exchanges()).toHaveLength(2);
    expect(calls().map((c) => c.headers.authorization)).toEqual([`Bearer ${issued[0]}`, `Bearer ${issued[1]}`]);
    expect(calls()[1]!.body).toBe(calls()[0]!.body);
  });

  test('a second 401 is final: one renewal per call, and the error names no secret', async () => {
    const { server, exchanges, calls, issued } = await togaiServer({ api: () => 401 });
    const togai = clientFor(server.url);
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
    const togai = clientFor(server.url);
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
    const togai = clientFor(server.url);
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
    const togai = clientFor(server.url);
    await togai.accounts.get({ accountId: 'A' });
    await togai.accounts.get({ accountId: 'A' });
    expect(calls()).toHaveLength(2);
    expect(exchanges()).toHaveLength(2);
  });

  test('a hostile token service: an unusable token is a parse error that quotes nothing, and nothing else is sent', async () => {
    for (const answer of [() => ({ token: 'abc\r\nX-Evil: 1' }), () => ({ token: '   ' }), () => ({ jwt: 'x' }), (t: string) => t]) {
      const { server, calls } = await togaiServer({ answer });
      const error = await clientFor(server.url).accounts.get({ accountId: 'A' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TogaiResponseParseError);
      expect((error as Error).message).toBe('POST /authenticate answered 200 without a usable token.');
      expect(calls()).toHaveLength(0);
    }
  });
});
