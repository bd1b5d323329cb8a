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

  it('another client, which never saw the token, has nothing to blot out', async () => {
    const server = await serve((_, res) => sendJson(res, 400, { message: `bad session ${portalToken}` }));
    const stranger = createTogaiClient({ baseUrl: server.url, token: 'client-token-0123456789', maxRetries: 0 });
    expect((await failure(stranger.accounts.get({ accountId: 'ACC1' }))).message).toContain(portalToken);
  });
});
