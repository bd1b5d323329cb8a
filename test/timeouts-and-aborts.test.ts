// How long a call may take and how a caller stops it, against scripted servers on 127.0.0.1 that never answer
// or stall: the per-attempt timeout, and an AbortSignal before, during or between attempts. Every test counts
// the requests a server received. (A hanging token exchange: short-lived-tokens.test.ts.)
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { TogaiAbortError, TogaiTimeoutError } from '../src/index.js';
import { clientFor, sdkRetryDelay } from './support/client.js';
import { account, newAccount } from './support/fixtures.js';
import { sendJson } from './support/http-server.js';
import { errorJson, failure, useServers } from './support/scripted.js';
import { pause, since, slack } from './support/timing.js';

const { serve } = useServers();

describe('servers that never answer', () => {
  it('times out each GET attempt and gives up with TogaiTimeoutError', async () => {
    const server = await serve(() => undefined);
    const start = performance.now();
    const error = await failure(clientFor(server.url, { ...sdkRetryDelay, timeout: 300 }).accounts.get({ accountId: 'ACC1' }));
    const elapsed = since(start);
    expect(error).toBeInstanceOf(TogaiTimeoutError);
    expect(error.message).toContain('300 ms');
    expect(server.requests).toHaveLength(3);
    expect(elapsed).toBeGreaterThanOrEqual(3 * 300 - slack);
    expect(elapsed).toBeLessThan(6000);
  });

  it('times out a response that stalls after its headers', async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
      res.write('{"id":');
    });
    const start = performance.now();
    const error = await failure(
      clientFor(server.url).accounts.get({ accountId: 'ACC1' }, { timeout: 300, maxRetries: 0 }),
    );
    expect(error).toBeInstanceOf(TogaiTimeoutError);
    expect(server.requests).toHaveLength(1);
    expect(since(start)).toBeLessThan(3000);
  });

  it('sends a POST that times out only once', async () => {
    const server = await serve(() => undefined);
    const start = performance.now();
    const error = await failure(clientFor(server.url, { ...sdkRetryDelay, timeout: 300 }).accounts.create({ body: newAccount }));
    expect(error).toBeInstanceOf(TogaiTimeoutError);
    await pause(600); // longer than the first backoff: a resend would have arrived by now
    expect(server.requests).toHaveLength(1);
    expect(since(start)).toBeLessThan(3000);
  });
});

describe('caller abort', () => {
  it('stops during the backoff sleep at once, with no further attempt', async () => {
    const controller = new AbortController();
    const server = await serve((_, res) => {
      errorJson(503, { 'retry-after': '2' })(res);
      setTimeout(() => controller.abort(new Error('user navigated away')), 100);
    });
    const start = performance.now();
    const error = await failure(
      clientFor(server.url, sdkRetryDelay).accounts.get({ accountId: 'ACC1' }, { signal: controller.signal }),
    );
    expect(error).toBeInstanceOf(TogaiAbortError);
    expect((error as { cause?: Error }).cause?.message).toBe('user navigated away');
    expect(since(start)).toBeLessThan(1500); // well before the 2 s the server asked for
    await pause(300);
    expect(server.requests).toHaveLength(1);
  });

  it('stops a hanging request at once, with no further attempt', async () => {
    const controller = new AbortController();
    const server = await serve(() => {
      setTimeout(() => controller.abort(), 100);
    });
    const start = performance.now();
    const call = clientFor(server.url, { ...sdkRetryDelay, timeout: 10_000 }).accounts.get(
      { accountId: 'ACC1' },
      { signal: controller.signal },
    );
    const error = await failure(call);
    expect(error).toBeInstanceOf(TogaiAbortError);
    expect(since(start)).toBeLessThan(1500);
    await pause(700); // past the first backoff: a retry would have arrived
    expect(server.requests).toHaveLength(1);
  });

  it('sends nothing when the signal has already fired', async () => {
    const server = await serve((_, res) => sendJson(res, 200, account));
    const error = await failure(
      clientFor(server.url).accounts.get({ accountId: 'ACC1' }, { signal: AbortSignal.abort() }),
    );
    expect(error).toBeInstanceOf(TogaiAbortError);
    expect(server.requests).toHaveLength(0);
  });

  it('leaves no listener on a long-lived signal after its calls settle (a shutdown signal passed to every call)', async () => {
    const server = await serve((_, res) => sendJson(res, 200, account));
    const togai = clientFor(server.url);
    const shutdown = new AbortController();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => void warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      for (let i = 0; i < 20; i += 1) {
        await togai.accounts.get({ accountId: 'ACC1' }, { signal: shutdown.signal });
        await togai.api.GET('/accounts/{account_id}', { params: { path: { account_id: 'ACC1' } }, signal: shutdown.signal });
      }
      // Before any garbage collection: a listener a call left behind would still be here.
      expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
      await pause(10);
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
