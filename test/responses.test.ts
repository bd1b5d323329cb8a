// The HTTP response behind a call, against scripted servers on 127.0.0.1: the facade's `.withResponse()` (for a
// call and for each page of a list), and the raw api's buffered Response, which must still behave like a Response
// for every way openapi-fetch (parseAs) or a caller reads it.
import { inspect } from 'node:util';
import { describe, expect, it, test } from 'vitest';
import { createTogaiClient } from '../src/index.js';
import { clientFor } from './support/client.js';
import { account } from './support/fixtures.js';
import { sendJson } from './support/http-server.js';
import { redirect, useServers } from './support/scripted.js';

const { serve } = useServers();

/** Retries that wait a little, so the fault cases stay short. */
const quickRetries = { maxRetryDelay: 5 };

const params = { path: { account_id: 'ACC1' } };

async function apiFor() {
  const server = await serve((request, res) => {
    if (request.url === '/accounts/ACC1') return redirect(res, 302, '/v2/accounts/ACC1');
    sendJson(res, 200, account, { 'x-request-id': 'req-1' });
  });
  return { server, api: createTogaiClient({ baseUrl: server.url, token: 't', pathStyle: 'flat' }).api };
}

describe('.withResponse()', () => {
  test('gives the parsed body and the HTTP response, sending one request', async () => {
    const api = await serve((_, res) => sendJson(res, 200, { id: 'CUS1', name: 'Acme' }, { 'x-request-id': 'req-42' }));
    const togai = clientFor(api.url, quickRetries);
    const { data, response } = await togai.customers.get({ customerId: 'CUS1' }).withResponse();
    expect(data).toMatchObject({ id: 'CUS1' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req-42');
    expect(await togai.customers.get({ customerId: 'CUS1' })).toMatchObject({ name: 'Acme' });
    expect(api.requests).toHaveLength(2);
  });

  test('rejects with the typed error, and a call used only through withResponse() raises no unhandled rejection', async () => {
    const api = await serve((_, res) => sendJson(res, 404, { message: 'no such customer' }));
    const togai = clientFor(api.url, quickRetries);
    await expect(togai.customers.get({ customerId: 'X' }).withResponse()).rejects.toMatchObject({ status: 404 });
  });

  test('each page of a list carries its own response', async () => {
    const api = await serve((req, res) =>
      req.url.includes('nextToken=p2')
        ? sendJson(res, 200, { data: [{ id: 'C2' }] }, { 'x-request-id': 'page-2' })
        : sendJson(res, 200, { data: [{ id: 'C1' }], nextToken: 'p2' }, { 'x-request-id': 'page-1' }),
    );
    const togai = clientFor(api.url, quickRetries);
    const first = await togai.customers.list().withResponse();
    expect(first.response.headers.get('x-request-id')).toBe('page-1');
    const ids: string[] = [];
    for await (const page of togai.customers.list().pages()) ids.push(page.response.headers.get('x-request-id')!);
    expect(ids).toEqual(['page-1', 'page-2']);
  });
});

describe('responses of the raw api', () => {
  it.each(['json', 'text', 'arrayBuffer', 'blob', 'stream'] as const)('parseAs %s reads the body', async (parseAs) => {
    const { api } = await apiFor();
    const { data } = await api.GET('/accounts/{account_id}', { params, parseAs });
    const text =
      parseAs === 'json'
        ? JSON.stringify(data)
        : parseAs === 'text'
          ? (data as string)
          : parseAs === 'arrayBuffer'
            ? new TextDecoder().decode(data as ArrayBuffer)
            : parseAs === 'blob'
              ? await (data as Blob).text()
              : await new Response(data as ReadableStream).text();
    expect(JSON.parse(text)).toEqual(account);
    if (parseAs === 'blob') expect((data as Blob).type).toBe('application/json');
  });

  it('keeps status, headers, the final URL and that it was redirected', async () => {
    const { server, api } = await apiFor();
    const { response } = await api.GET('/accounts/{account_id}', { params });
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.ok, response.headers.get('x-request-id')]).toEqual([200, true, 'req-1']);
    expect(response.url).toBe(`${server.url}/v2/accounts/ACC1`);
    expect(response.redirected).toBe(true);
  });

  it('is read once, like any Response; a clone taken first reads again', async () => {
    const { api } = await apiFor();
    const { response } = await api.GET('/accounts/{account_id}', { params, parseAs: 'stream' });
    const copy = response.clone();
    expect(response.bodyUsed).toBe(false);
    expect(JSON.parse(await response.text())).toEqual(account);
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(() => response.clone()).toThrow(TypeError);
    expect(await copy.json()).toEqual(account);
  });

  it('can be logged before it is read, and logging does not spend it', async () => {
    const { api } = await apiFor();
    const { response } = await api.GET('/accounts/{account_id}', { params, parseAs: 'stream' });
    expect(() => inspect(response, { depth: 4 })).not.toThrow();
    expect(await response.json()).toEqual(account);
    expect(() => inspect(response, { depth: 4 })).not.toThrow();
  });
});
