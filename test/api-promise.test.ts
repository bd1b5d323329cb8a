// What every facade call returns: an APIPromise of the parsed body, with `.withResponse()` and `.asResponse()`; a
// list's PagedList is one too. Against loopback servers.
import { describe, expect, it, vi } from 'vitest';
import { APIPromise, NotFoundError, PagedList } from '../src/index.js';
import { account } from './support/fixtures.js';
import { sendJson } from './support/http-server.js';
import { clientFor as sharedClient } from './support/client.js';
import { failure, useServers } from './support/scripted.js';

const clientFor = (url: string) => sharedClient(url, { maxRetries: 0 });

const { serve } = useServers();


describe('.asResponse()', () => {
  it('gives the raw Response with its body unread, as fetch would', async () => {
    const server = await serve((_, res) => sendJson(res, 200, account, { 'x-request-id': 'req-1' }));
    const call = clientFor(server.url).accounts.get({ accountId: 'ACC1' });
    const response = await call.asResponse();
    expect(response.bodyUsed).toBe(false);
    expect([response.status, response.headers.get('x-request-id')]).toEqual([200, 'req-1']);
    expect(await response.json()).toEqual(account);
    // The call itself still resolves to the parsed body, from the one request.
    expect(await call).toEqual(account);
    expect((await call.withResponse()).data).toEqual(account);
    expect(server.requests).toHaveLength(1);
  });

  it('on a list, gives the first page unread; an API error rejects it like the call', async () => {
    const server = await serve((request, res) =>
      request.url.startsWith('/accounts?') || request.url === '/accounts' ? sendJson(res, 200, { data: [account] }) : sendJson(res, 404, { message: 'gone' }),
    );
    const togai = clientFor(server.url);
    const list = togai.accounts.list();
    expect(list).toBeInstanceOf(PagedList);
    expect(await (await list.asResponse()).json()).toEqual({ data: [account] });
    expect(await failure(togai.accounts.get({ accountId: 'ACC9' }).asResponse())).toBeInstanceOf(NotFoundError);
  });
});

describe('one promise type', () => {
  it('a call is an APIPromise, a Promise, and works with Promise.all; a list is an APIPromise of its first page', async () => {
    const server = await serve((request, res) => sendJson(res, 200, request.url.startsWith('/accounts/') ? account : { data: [account] }));
    const togai = clientFor(server.url);
    const call = togai.accounts.get({ accountId: 'ACC1' });
    expect(call).toBeInstanceOf(APIPromise);
    expect(call).toBeInstanceOf(Promise);
    const list = togai.accounts.list();
    expect(list).toBeInstanceOf(APIPromise);
    const [got, page] = await Promise.all([call, list]);
    expect(got).toEqual(account);
    expect(page.items).toEqual([account]);
    // A call's then() hands out plain promises.
    expect(call.then((a) => a.id)).not.toBeInstanceOf(APIPromise);
  });

  it('a call is sent at once, even if never awaited; a list only when used', async () => {
    const server = await serve((_, res) => sendJson(res, 200, account));
    const togai = clientFor(server.url);
    void togai.accounts.get({ accountId: 'ACC1' });
    const list = togai.accounts.list();
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    expect(server.requests[0]!.url).toBe('/accounts/ACC1');
    void list;
  });
});

describe('a careless caller', () => {
  it('arguments or options whose getters throw reject the promise; the method never throws where it is called', async () => {
    const server = await serve((_, res) => sendJson(res, 200, account));
    const togai = clientFor(server.url);
    const trap = new Proxy({}, { get: () => { throw new Error('getter trap'); } });
    const calls = [
      () => togai.accounts.get(trap as never),
      () => togai.accounts.get({ accountId: 'ACC1' }, trap as never),
      () => togai.accounts.list({ get query(): never { throw new Error('query getter'); } }),
    ];
    for (const call of calls) {
      let promise: Promise<unknown> | undefined;
      expect(() => (promise = call())).not.toThrow();
      expect(promise).toBeInstanceOf(APIPromise);
      expect(() => promise!.then(undefined, () => undefined)).not.toThrow();
      await expect(promise).rejects.toThrow(/getter|trap/);
    }
    expect(server.requests).toHaveLength(0);
  });
});
