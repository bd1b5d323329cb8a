// `files.download()` (GET /files/{file_id}) answers with a redirect to the file on a storage host. Against two
// loopback origins (the API on 127.0.0.1, the storage host on localhost): the bytes arrive, capped like any
// response, and neither the credential nor any header of the client or the call reaches the storage host.
import { describe, expect, it } from 'vitest';
import { NotFoundError, TogaiApiError, TogaiResponseTooLargeError } from '../src/index.js';
import { clientFor as sharedClient, token, type ClientForOptions } from './support/client.js';
import { sendJson, type TestServer } from './support/http-server.js';
import { failure, useServers } from './support/scripted.js';

const { serve } = useServers();

const pdf = Buffer.from('%PDF-1.7\n% a small invoice\n');

/** The storage host on `localhost:<port>`: another origin than the API's 127.0.0.1, still loopback. */
const storageUrl = (storage: TestServer, path: string) => `${storage.url.replace('127.0.0.1', 'localhost')}${path}`;

async function origins(body: Buffer = pdf) {
  const storage = await serve((request, res) => {
    if (request.url.startsWith('/bucket/')) {
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': String(body.length) });
      res.end(body);
    } else sendJson(res, 404, { message: 'no such object' });
  });
  const api = await serve((request, res) => {
    const id = /^\/files\/([^/?]+)$/.exec(request.url)?.[1];
    if (!id) return sendJson(res, 404, { message: 'no such file' });
    res.writeHead(302, { location: storageUrl(storage, `/bucket/${id}?signature=abc`), 'content-length': '0' });
    res.end();
  });
  return { api, storage };
}

/** The shared test client, with headers of its own that must stay with the API. */
const clientFor = (url: string, options: ClientForOptions = {}) => sharedClient(url, { headers: { 'x-team': 'billing' }, ...options });

describe('files.download()', () => {
  it.each([
    ['a bearer token', { token }],
    ['an API key', { apiKey: 'download-api-key-0123456789' }],
  ])('returns the bytes as a Blob and sends the storage host nothing of the client (%s)', async (_, credential) => {
    const { api, storage } = await origins();
    const blob = await clientFor(api.url, credential).files.download({ fileId: 'file.1' }, { headers: { 'x-call': 'per-call' } });
    expect(blob).toBeInstanceOf(Blob);
    expect([blob.type, Buffer.from(await blob.arrayBuffer())]).toEqual(['application/pdf', pdf]);

    expect(api.requests).toHaveLength(1);
    const [toApi] = api.requests;
    expect(toApi!.headers['x-team']).toBe('billing');
    expect(toApi!.headers['x-call']).toBe('per-call');
    expect(toApi!.headers.authorization ?? toApi!.headers['x-api-key']).toBeDefined();

    expect(storage.requests.map((r) => r.url)).toEqual(['/bucket/file.1?signature=abc']);
    const sent = storage.requests[0]!.headers;
    for (const name of ['authorization', 'x-api-key', 'x-team', 'x-call', 'cookie']) expect(sent[name], name).toBeUndefined();
    expect(JSON.stringify(sent)).not.toMatch(/test-suite-token|download-api-key/);
  });

  it('the raw api follows the same redirect and gives the Blob as data', async () => {
    const { api, storage } = await origins();
    const { data, response } = await clientFor(api.url).api.GET('/files/{file_id}', { params: { path: { file_id: 'file.2' } } });
    expect(response.status).toBe(200);
    expect(Buffer.from(await (data as unknown as Blob).arrayBuffer())).toEqual(pdf);
    expect(storage.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('an empty file (Content-Length: 0) is an empty Blob, facade and raw api; it was an "empty body; expected JSON" error', async () => {
    const { api } = await origins(Buffer.alloc(0));
    const blob = await clientFor(api.url).files.download({ fileId: 'empty' });
    expect([blob instanceof Blob, blob.size, blob.type]).toEqual([true, 0, 'application/pdf']);
    const { data } = await clientFor(api.url).api.GET('/files/{file_id}', { params: { path: { file_id: 'empty' } } });
    expect((data as unknown as Blob).size).toBe(0);
  });

  it("the raw api reads the file as its parseAs asks (it was a Blob whatever parseAs said, against the call's type)", async () => {
    const { api } = await origins(Buffer.from('a,b\n1,2\n'));
    const { data } = await clientFor(api.url).api.GET('/files/{file_id}', { params: { path: { file_id: 'f.csv' } }, parseAs: 'text' });
    expect(data).toBe('a,b\n1,2\n');
  });

  it('caps the file like any response: past maxResponseBytes it stops reading (client setting and per call)', async () => {
    const { api } = await origins(Buffer.alloc(2 * 1024 * 1024, 7));
    const error = await failure(clientFor(api.url, { maxResponseBytes: 1024 * 1024 }).files.download({ fileId: 'big' }));
    expect(error).toBeInstanceOf(TogaiResponseTooLargeError);
    expect(error).toMatchObject({ limit: 1024 * 1024, path: '/bucket/big' });
    const perCall = await failure(clientFor(api.url).files.download({ fileId: 'big' }, { maxResponseBytes: 1000 }));
    expect(perCall).toBeInstanceOf(TogaiResponseTooLargeError);
    await expect(clientFor(api.url).files.download({ fileId: 'big' }, { maxResponseBytes: 3 * 1024 * 1024 })).resolves.toBeInstanceOf(Blob);
  });

  it("a storage host's refusal is an API error that quotes nothing of the credential", async () => {
    const storage = await serve((_, res) => sendJson(res, 403, { message: `signature expired for ${token}` }));
    const api = await serve((_, res) => {
      res.writeHead(302, { location: storageUrl(storage, '/bucket/x'), 'content-length': '0' });
      res.end();
    });
    const error = await failure(clientFor(api.url).files.download({ fileId: 'x' }));
    expect(error).toBeInstanceOf(TogaiApiError);
    expect((error as TogaiApiError).status).toBe(403);
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(token);
  });

  it('a file the API does not know is a NotFoundError from the API, and nothing reaches the storage host', async () => {
    const { api, storage } = await origins();
    const error = await failure(clientFor(`${api.url}/elsewhere`).files.download({ fileId: 'nope' }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(storage.requests).toHaveLength(0);
  });
});

describe('files.getDownloadUrl()', () => {
  it('returns the URL as data; fetching it is the caller’s business', async () => {
    const api = await serve((_, res) => sendJson(res, 200, { url: 'https://files.togai.example/x', expiry: 600 }));
    await expect(clientFor(api.url).files.getDownloadUrl({ fileId: 'file.1', query: { expiry: 600 } } as never)).resolves.toEqual({
      url: 'https://files.togai.example/x',
      expiry: 600,
    });
    expect(api.requests[0]!.url).toBe('/files/file.1/download_url?expiry=600');
  });
});
