// The raw api hands back the transport's buffered Response: it must still behave like a Response for every way
// openapi-fetch (parseAs) or a caller reads it, against a real loopback server.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createTogaiClient } from '../src/index.js';
import { account } from './support/fixtures.js';
import { sendJson } from './support/http-server.js';
import { useServers } from './support/scripted.js';

const { serve } = useServers();
const params = { path: { account_id: 'ACC1' } };

async function apiFor() {
  const server = await serve((request, res) => {
    if (request.url === '/accounts/ACC1') {
      res.writeHead(302, { location: '/v2/accounts/ACC1', 'content-length': '0' });
      return void res.end();
    }
    sendJson(res, 200, account, { 'x-request-id': 'req-1' });
  });
  return { server, api: createTogaiClient({ baseUrl: server.url, token: 't', pathStyle: 'flat' }).api };
}

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
