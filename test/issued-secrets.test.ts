// Secrets the API issues (a customer portal's delegate token, marked `x-sdk-secret` in the spec) are treated like
// the client's own credential from the moment they arrive: never in an error's message, body, headers or JSON.
import { describe, expect, it } from 'vitest';
import { operations } from '../generated/operations.js';
import { createTogaiClient, TogaiApiError } from '../src/index.js';
import { sendJson } from './support/http-server.js';
import { failure, useServers } from './support/scripted.js';

const { serve } = useServers();

const portalToken = 'portal-delegate-token-0123456789abcdef';

describe('the customer portal token', () => {
  it('is marked secret by the spec', () => {
    expect(operations.getCustomerPortalDelegateToken.secretFields).toEqual(['token']);
  });

  it('reaches the caller, then is blotted out of every later error of the client (and of clients derived from it)', async () => {
    const server = await serve((request, res) => {
      if (request.url === '/portal/token') return sendJson(res, 200, { token: portalToken, expiresIn: 3600 });
      // A server that echoes the portal token it issued, in the body and a header, split as a hostile proxy might.
      const split = `${portalToken.slice(0, 10)}\u200b${portalToken.slice(10)}`;
      sendJson(res, 400, { message: `bad session ${portalToken} / ${split}`, token: portalToken }, { 'x-echo': portalToken });
    });
    const togai = createTogaiClient({ baseUrl: server.url, token: 'client-token-0123456789', maxRetries: 0 });
    const issued = await togai.customerPortal.createDelegateToken({ body: { customerId: 'CUS1' } } as never);
    expect(issued).toEqual({ token: portalToken, expiresIn: 3600 });

    for (const client of [togai, togai.withOptions({ timeout: 5_000 })]) {
      const error = (await failure(client.accounts.get({ accountId: 'ACC1' }))) as TogaiApiError;
      expect(error).toBeInstanceOf(TogaiApiError);
      const everything = [error.message, JSON.stringify(error), JSON.stringify(error.body), error.headers.get('x-echo'), String(error)].join('\n');
      expect(everything).toContain('[redacted]');
      expect(everything).not.toContain(portalToken);
      expect(everything.replace(/\u200b/g, '')).not.toContain(portalToken);
    }
  });

  it.each(['text', 'stream', 'arrayBuffer', 'blob'] as const)('is blotted out however the raw api reads it (parseAs: %s)', async (parseAs) => {
    const server = await serve((request, res) =>
      request.url === '/portal/token' ? sendJson(res, 200, { token: portalToken, expiresIn: 3600 }) : sendJson(res, 400, { message: `bad session ${portalToken}` }),
    );
    const togai = createTogaiClient({ baseUrl: server.url, token: 'client-token-0123456789', maxRetries: 0 });
    const { response } = await togai.api.POST('/portal/token', { body: { customerId: 'CUS1' } as never, parseAs });
    expect(response.status).toBe(200);
    const error = await failure(togai.accounts.get({ accountId: 'ACC1' }));
    expect(error.message).toBe('GET /accounts/ACC1 failed with 400: bad session [redacted]');
  });

  it("client.redact() blots out what the client's errors blot out: for a caller's own logs of server text", async () => {
    const server = await serve((_, res) => sendJson(res, 200, { token: portalToken, expiresIn: 3600 }));
    const togai = createTogaiClient({ baseUrl: server.url, token: 'client-token-0123456789', maxRetries: 0 });
    expect(togai.redact(`a ${portalToken} b client-token-0123456789`)).toBe(`a ${portalToken} b [redacted]`);
    await togai.customerPortal.createDelegateToken({ body: { customerId: 'CUS1' } } as never);
    expect(togai.redact(`a ${portalToken} b`)).toBe('a [redacted] b');
    expect(togai.withOptions({ timeout: 1_000 }).redact(portalToken)).toBe('[redacted]');
    expect(Object.keys(JSON.parse(JSON.stringify(togai)))).not.toContain('redact');
  });

  it('another client, which never saw the token, has nothing to blot out', async () => {
    const server = await serve((_, res) => sendJson(res, 400, { message: `bad session ${portalToken}` }));
    const stranger = createTogaiClient({ baseUrl: server.url, token: 'client-token-0123456789', maxRetries: 0 });
    expect((await failure(stranger.accounts.get({ accountId: 'ACC1' }))).message).toContain(portalToken);
  });
});

describe('issued tokens in numbers and sizes a server chooses', () => {
  it('many long portal tokens, a huge one and a malformed one: later errors stay TogaiApiErrors, quick, with each token blotted out', async () => {
    // A web app issues a portal token per session: JWT-sized tokens, dozens of them, then a hostile one of 100 KB
    // and one with a lone surrogate (valid JSON, not valid Unicode).
    const issued = [...Array.from({ length: 70 }, (_, i) => `eyJ${String(i).padStart(3, '0')}.${'a1B2c3'.repeat(60)}`), 'h'.repeat(100_000), 'lone-\\ud800-surrogate-token'];
    let next = 0;
    const server = await serve((request, res) => {
      if (request.url === '/portal/token') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"token":"${issued[next++]}","expiresIn":3600}`);
      } else sendJson(res, 400, { message: `session ${issued.at(-3)} ${issued.at(-2)!.slice(0, 50)} ${JSON.parse(`"${issued.at(-1)}"`)}` });
    });
    const togai = createTogaiClient({ baseUrl: server.url, token: 'client-token-0123456789', maxRetries: 0 });
    const started = performance.now();
    for (const _ of issued) await togai.customerPortal.createDelegateToken({ body: { customerId: 'CUS1' } } as never);
    for (let i = 0; i < 3; i += 1) {
      const error = await failure(togai.accounts.get({ accountId: 'ACC1' }));
      expect(error).toBeInstanceOf(TogaiApiError);
      expect(error.message).toBe('GET /accounts/ACC1 failed with 400: session [redacted] hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh [redacted]');
    }
    // Before: each token rebuilt one pattern of every token, split-tolerant (seconds per token at this size, the
    // event loop blocked), a long one made it too large to compile (a SyntaxError for every later error), and a
    // lone surrogate made the token's URL form throw (a URIError).
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('a token issued with a lone surrogate does not break the call that receives it', async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"token":"bad-\\udc00-token-0123456789","expiresIn":3600}');
    });
    const togai = createTogaiClient({ baseUrl: server.url, token: 'client-token-0123456789', maxRetries: 0 });
    await expect(togai.customerPortal.createDelegateToken({ body: { customerId: 'CUS1' } } as never)).resolves.toMatchObject({ expiresIn: 3600 });
  });
});
