// Deprecation warnings at run time, against scripted servers on 127.0.0.1: the first call of an operation the
// spec marks deprecated warns once per client (a process warning, a callback, or nothing when silenced), and so do
// Deprecation and Sunset response headers, once per route. What an editor shows: editor-deprecations.test.ts.
import { describe, expect, test, vi } from 'vitest';
import { createTogaiClient, type DeprecationNotice } from '../src/index.js';
import { account } from './support/fixtures.js';
import { sendJson } from './support/http-server.js';
import { token } from './support/client.js';
import { unhandledDuring, useServers } from './support/scripted.js';

const { serve } = useServers();

describe('deprecation warnings', () => {
  const purchase = { id: 'p1', accountId: 'A', status: 'SUCCESS', type: 'ENTITLEMENT_GRANT', createdAt: '2024-01-01T00:00:00Z' };

  test('first call of a deprecated operation warns once per client, raw or facade (process warning)', async () => {
    const api = await serve((_, res) => sendJson(res, 200, purchase));
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const togai = createTogaiClient({ baseUrl: api.url, token: 't' });
      await togai.accounts.getPurchase({ purchaseId: 'p1' });
      await togai.accounts.getPurchase({ purchaseId: 'p1' });
      await togai.api.GET('/purchases/{purchase_id}', { params: { path: { purchase_id: 'p1' } } });
      await togai.accounts.get({ accountId: 'A' }).catch(() => undefined);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      const ours = warnings.filter((w) => (w as { code?: string }).code?.startsWith('TOGAI_'));
      expect(ours.map((w) => [w.name, (w as { code?: string }).code])).toEqual([['DeprecationWarning', 'TOGAI_DEPRECATED_getPurchase']]);
      // a second client warns again: the state is per client
      await createTogaiClient({ baseUrl: api.url, token: 't' }).api.GET('/purchases/{purchase_id}', { params: { path: { purchase_id: 'p1' } } });
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => (w as { code?: string }).code === 'TOGAI_DEPRECATED_getPurchase')).toHaveLength(2);
    } finally {
      process.off('warning', onWarning);
    }
  });

  test('routed to a callback, or silenced', async () => {
    const api = await serve((_, res) => sendJson(res, 200, purchase));
    const notices: DeprecationNotice[] = [];
    const togai = createTogaiClient({ baseUrl: api.url, token: 't', onDeprecation: (n) => notices.push(n) });
    await togai.accounts.getPurchase({ purchaseId: 'p1' });
    await togai.accounts.getPurchase({ purchaseId: 'p1' });
    expect(notices).toMatchObject([{ code: 'TOGAI_DEPRECATED_getPurchase', source: 'spec', method: 'GET', path: '/purchases/{purchase_id}' }]);

    const silent = vi.fn();
    const quiet = createTogaiClient({ baseUrl: api.url, token: 't', silenceDeprecations: true, onDeprecation: silent });
    await quiet.accounts.getPurchase({ purchaseId: 'p1' });
    expect(silent).not.toHaveBeenCalled();
  });

  test('Deprecation and Sunset response headers warn once per route', async () => {
    const api = await serve((_, res) =>
      sendJson(res, 200, account, { deprecation: '@1735689600', sunset: 'Wed, 31 Dec 2025 23:59:59 GMT' }),
    );
    const notices: DeprecationNotice[] = [];
    const togai = createTogaiClient({ baseUrl: api.url, token: 't', onDeprecation: (n) => notices.push(n) });
    await togai.accounts.get({ accountId: 'A' });
    await togai.accounts.get({ accountId: 'B' });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ source: 'header', code: 'TOGAI_DEPRECATION_HEADER', operationId: 'getAccount', sunset: 'Wed, 31 Dec 2025 23:59:59 GMT' });
    expect(notices[0]?.message).toContain('31 Dec 2025');
  });

  test("the server's Deprecation and Sunset values reach a notice without the client's credential", async () => {
    const api = await serve((_, res) => sendJson(res, 200, account, { deprecation: `since ${token}`, sunset: `after ${token}` }));
    const notices: DeprecationNotice[] = [];
    await createTogaiClient({ baseUrl: api.url, token, onDeprecation: (n) => notices.push(n) }).accounts.get({ accountId: 'A' });
    expect(notices).toMatchObject([{ code: 'TOGAI_DEPRECATION_HEADER', sunset: 'after [redacted]' }]);
    expect(notices[0]!.message).toBe('The Togai API marked GET /accounts/{account_id} as deprecated (since since [redacted]); it will stop working after after [redacted].');
  });

  test('a handler that throws or rejects does not break the call: a write the server applied stays a success', async () => {
    const api = await serve((_, res) => sendJson(res, 201, account, { deprecation: 'true' }));
    const throwing = () => {
      throw new Error('handler bug');
    };
    const rejecting = async () => {
      throw new Error('async handler bug');
    };
    for (const onDeprecation of [throwing, rejecting]) {
      const togai = createTogaiClient({ baseUrl: api.url, token, maxRetries: 0, onDeprecation });
      const created = () => expect(togai.accounts.create({ body: { id: 'ACC1', name: 'Acme', customerId: 'CUS1' } })).resolves.toEqual(account);
      expect(await unhandledDuring(created)).toEqual([]);
      // A deprecated operation's notice, before anything is sent, does not stop the call either.
      expect(await unhandledDuring(() => togai.accounts.getPurchase({ purchaseId: 'p1' }).catch(() => undefined))).toEqual([]);
    }
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });
});
