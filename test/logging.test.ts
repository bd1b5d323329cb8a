// What an operator sees: `logLevel` / `logger` / TOGAI_LOG, against loopback servers, for the lines' content (one per
// attempt at debug with the retry decision, one per call at info) and for the absence of every secret and body.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTogaiClient, TogaiConfigurationError, type Logger, type LogLevel } from '../src/index.js';
import { account } from './support/fixtures.js';
import { clientFor as sharedClient, token, type ClientForOptions } from './support/client.js';
import { sendJson } from './support/http-server.js';
import { failure, unhandledDuring, useServers } from './support/scripted.js';

const { serve } = useServers();
afterEach(() => {
  vi.unstubAllEnvs();
});


/** A logger that keeps every line and its details, per level. */
function recordingLogger() {
  const lines: { level: string; message: string; details: unknown[] }[] = [];
  const at = (level: string) => (message: string, ...details: unknown[]) => void lines.push({ level, message, details });
  const logger: Logger = { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
  return { lines, logger, text: () => JSON.stringify(lines) };
}

/** The shared test client, logging at `logLevel` into `logger`. */
const clientFor = (url: string, logLevel: LogLevel | undefined, logger: Logger, options: ClientForOptions = {}) => sharedClient(url, { logLevel, logger, ...options });

describe('debug: one line per attempt, with the retry decision and its reason', () => {
  it('a GET answered 503 then 200: two attempt lines, a warning for the retry, one call line', async () => {
    const server = await serve((_, res, index) => (index === 0 ? sendJson(res, 503, { message: 'busy' }) : sendJson(res, 200, account)));
    const { lines, logger } = recordingLogger();
    await clientFor(server.url, 'debug', logger).accounts.get({ accountId: 'ACC1' });
    expect(lines.map((l) => l.level)).toEqual(['debug', 'warn', 'debug', 'info']);
    expect(lines[0]!.message).toMatch(/^togai: GET \/accounts\/ACC1 attempt 1\/3 → 503 in \d+ ms; retrying in 0 ms: 503 may pass later$/);
    expect(lines[1]!.message).toMatch(/^togai: GET \/accounts\/ACC1 → 503; retrying \(attempt 2 of 3\): 503 may pass later$/);
    expect(lines[2]!.message).toMatch(/^togai: GET \/accounts\/ACC1 attempt 2\/3 → 200 in \d+ ms; final$/);
    expect(lines[3]!.message).toMatch(/^togai: GET \/accounts\/ACC1 → 200 in \d+ ms$/);
    expect(lines[0]!.details).toEqual([expect.objectContaining({ method: 'GET', path: '/accounts/ACC1', attempt: 1, outcome: '503', retry: true })]);
  });

  it('a POST without a key answered 503 is not resent, and the line says why', async () => {
    const server = await serve((_, res) => sendJson(res, 503, { message: 'busy' }));
    const { lines, logger } = recordingLogger();
    await failure(clientFor(server.url, 'debug', logger).accounts.create({ body: { id: 'A', name: 'N', customerId: 'C' } }));
    expect(server.requests).toHaveLength(1);
    expect(lines[0]!.message).toMatch(/POST \/accounts attempt 1\/3 → 503 in \d+ ms; final: a POST without idempotency key may have been applied$/);
    expect(lines.filter((l) => l.level === 'warn')).toEqual([]);
    // A server error that ends the call is worth an operator's attention.
    expect(lines.at(-1)).toMatchObject({ level: 'error', message: expect.stringMatching(/POST \/accounts → 503 in \d+ ms$/) });
  });

  it('retries that run out say so, and a connection that never answered ends at error level', async () => {
    const server = await serve((_, res) => void res.socket?.destroy());
    const { lines, logger } = recordingLogger();
    await failure(clientFor(server.url, 'debug', logger, { maxRetries: 1 }).accounts.get({ accountId: 'ACC1' }));
    const attempts = lines.filter((l) => l.level === 'debug').map((l) => l.message);
    expect(attempts[0]).toMatch(/attempt 1\/2 → TogaiConnectionError.* in \d+ ms; retrying in 0 ms: no complete response, and resending is safe$/);
    expect(attempts[1]).toMatch(/attempt 2\/2 → TogaiConnectionError.* in \d+ ms; final: no retries left \(1\)$/);
    expect(lines.at(-1)).toMatchObject({ level: 'error', message: expect.stringMatching(/GET \/accounts\/ACC1 → TogaiConnectionError after \d+ ms$/) });
  });
});

describe('levels', () => {
  const scenario = async (logLevel: LogLevel | undefined) => {
    const server = await serve((_, res, index) => (index === 0 ? sendJson(res, 503, {}) : sendJson(res, 200, account)));
    const { lines, logger } = recordingLogger();
    await clientFor(server.url, logLevel, logger).accounts.get({ accountId: 'ACC1' });
    return lines.map((l) => l.level);
  };

  it.each([
    ['debug', ['debug', 'warn', 'debug', 'info']],
    ['info', ['warn', 'info']],
    ['warn', ['warn']],
    ['error', []],
    ['off', []],
  ] as const)('%s logs %j for a call retried once', async (level, expected) => {
    expect(await scenario(level)).toEqual(expected);
  });

  it('is off by default, and TOGAI_LOG sets it when the option does not (in any case, spaces around it ignored)', async () => {
    expect(await scenario(undefined)).toEqual([]);
    vi.stubEnv('TOGAI_LOG', 'info');
    expect(await scenario(undefined)).toEqual(['warn', 'info']);
    expect(await scenario('off')).toEqual([]);
    vi.stubEnv('TOGAI_LOG', ' WARN ');
    expect(await scenario(undefined)).toEqual(['warn']);
  });

  it('an unknown level (option or TOGAI_LOG) and a logger without the four methods are refused at creation', () => {
    expect(() => createTogaiClient({ token, logLevel: 'verbose' as LogLevel })).toThrow(TogaiConfigurationError);
    vi.stubEnv('TOGAI_LOG', 'loud');
    expect(() => createTogaiClient({ token })).toThrow(/TOGAI_LOG/);
    vi.unstubAllEnvs();
    expect(() => createTogaiClient({ token, logger: { info() {} } as unknown as Logger })).toThrow(/logger must have error, warn, info and debug/);
    // A logger whose every property throws is refused the same way, as a TogaiConfigurationError.
    const hostile = new Proxy({}, { get: () => { throw new Error('trap'); } }) as Logger;
    expect(() => createTogaiClient({ token, logger: hostile })).toThrow(TogaiConfigurationError);
    expect(() => createTogaiClient({ token, logger: 'console' as unknown as Logger })).toThrow(TogaiConfigurationError);
  });

  it('a logger that throws does not break the call it reports on', async () => {
    const server = await serve((_, res) => sendJson(res, 200, account));
    const angry = () => {
      throw new Error('log sink down');
    };
    const togai = clientFor(server.url, 'debug', { error: angry, warn: angry, info: angry, debug: angry });
    await expect(togai.accounts.get({ accountId: 'ACC1' })).resolves.toEqual(account);
  });

  it('a logger whose methods return rejected promises (an async sink that is down) leaves no unhandled rejection', async () => {
    const server = await serve((_, res, index) => (index === 0 ? sendJson(res, 503, {}) : sendJson(res, 200, account)));
    const down = async () => {
      throw new Error('async log sink down');
    };
    const hostileThen = () => ({ then: () => { throw new Error('thenable log sink'); } });
    for (const method of [down, hostileThen]) {
      const togai = clientFor(server.url, 'debug', { error: method, warn: method, info: method, debug: method });
      expect(await unhandledDuring(() => expect(togai.accounts.get({ accountId: 'ACC1' })).resolves.toEqual(account))).toEqual([]);
    }
  });
});

describe('never a secret or a body', () => {
  it('debug lines of calls with a bearer token, an API key, a short-lived token and a portal token quote none of them, nor bodies', async () => {
    const apiKey = 'logging-api-key-0123456789abcdef';
    const shortLived = 'short-lived-token-0123456789abcdef';
    const portal = 'portal-delegate-token-0123456789abcdef';
    const server = await serve((request, res, index) => {
      if (request.url === '/authenticate') return sendJson(res, 200, { token: shortLived, expiresIn: 86400 });
      if (request.url === '/portal/token') return sendJson(res, 200, { token: portal, expiresIn: 3600 });
      // Every other answer echoes all the secrets, in the body and in a header, the first time with an error.
      const echo = `${token} ${apiKey} ${shortLived} ${portal}`;
      sendJson(res, index % 2 === 0 ? 503 : 200, { ...account, name: echo, message: echo }, { 'x-echo': echo });
    });
    const { logger, text } = recordingLogger();
    const withToken = clientFor(server.url, 'debug', logger);
    await withToken.customerPortal.createDelegateToken({ body: { customerId: 'CUS1' } } as never).catch(() => undefined);
    await withToken.accounts.get({ accountId: 'ACC1' }).catch(() => undefined);
    const withKey = createTogaiClient({ baseUrl: server.url, apiKey, shortLivedToken: true, logLevel: 'debug', logger, maxRetryDelay: 0 });
    await withKey.accounts.create({ body: { id: 'A', name: 'secret body name', customerId: 'C' } }).catch(() => undefined);
    await withKey.accounts.get({ accountId: 'ACC1' }).catch(() => undefined);
    const logged = text();
    expect(logged).toContain('GET /accounts/ACC1');
    for (const secret of [token, apiKey, shortLived, portal, 'secret body name', 'tgai.acc.1']) expect(logged).not.toContain(secret);
  });
});
