// What a failed call throws, against scripted servers on 127.0.0.1: the TogaiApiError subclass for each status
// with its status, body, headers and request id; readable messages from HTML pages and server text (escape codes
// stripped, long text cut); parse errors for bodies that are not what the operation promises; and, as a property,
// that no error body however malformed breaks error handling. Statuses outside 200–599: protocol-errors.test.ts;
// the credential in server text: credentials.test.ts.
import type { ServerResponse } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it, test } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  createTogaiClient,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  TogaiApiError,
  TogaiConnectionError,
  TogaiResponseParseError,
} from '../src/index.js';
import { numRuns } from './support/arbitraries.js';
import { clientFor, sdkRetryDelay } from './support/client.js';
import { deadUrl, sendJson, type RecordedRequest } from './support/http-server.js';
import { failure, useServers, useSharedServer } from './support/scripted.js';

const { serve } = useServers();
/** The server of the property tests (one for all their cases). */
const shared = useSharedServer();

/** The class the SDK promises for each status. */
function expectedClass(status: number): typeof TogaiApiError {
  if (status >= 500) return InternalServerError;
  const byStatus: Record<number, typeof TogaiApiError> = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
  };
  return byStatus[status] ?? TogaiApiError;
}

describe('errors', () => {
  test.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [429, RateLimitError],
    [500, InternalServerError],
    [503, InternalServerError],
    [409, TogaiApiError],
  ] as const)('%i → %o with status, body, headers, request id, method and path', async (status, ErrorClass) => {
    const api = await serve((_, res) => sendJson(res, status, { message: `nope ${status}` }, { 'x-request-id': 'req-42' }));
    const togai = createTogaiClient({ baseUrl: api.url, token: 'secret-token', maxRetries: 0 });
    const error = await togai.accounts.get({ accountId: 'ACC 1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(TogaiApiError);
    expect(error).toMatchObject({ status, body: { message: `nope ${status}` }, requestId: 'req-42', method: 'GET', path: '/accounts/ACC%201' });
    expect((error as TogaiApiError).headers.get('content-type')).toBe('application/json');
    expect((error as Error).message).toContain(`nope ${status}`);
    expect(JSON.stringify(error)).not.toContain('secret-token');
  });

  test('an HTML error page from a proxy becomes a readable error, not a JSON crash', async () => {
    const api = await serve((_, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    });
    const togai = createTogaiClient({ baseUrl: api.url, token: 't', maxRetries: 0 });
    const error = await togai.accounts.get({ accountId: 'A' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as TogaiApiError).body).toContain('502 Bad Gateway');
    expect((error as Error).message).toContain('502 Bad Gateway');
  });

  test('network failure → TogaiConnectionError', async () => {
    const togai = createTogaiClient({ baseUrl: await deadUrl(), token: 't', maxRetries: 0 });
    await expect(togai.accounts.get({ accountId: 'A' })).rejects.toThrow(TogaiConnectionError);
  });
});

describe('bodies that are not what the operation promises', () => {
  it('throws TogaiResponseParseError for a 200 with malformed JSON', async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id": "ACC1", "name": ');
    });
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiResponseParseError);
    expect(error).toMatchObject({ status: 200, method: 'GET', path: '/accounts/ACC1' });
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ['Content-Length: 0', { 'content-type': 'application/json', 'content-length': '0' }],
    ['chunked', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }],
  ])('throws TogaiResponseParseError for an empty 200 (%s)', async (_, headers) => {
    const server = await serve((__, res) => {
      res.writeHead(200, headers);
      res.end();
    });
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiResponseParseError);
    expect(error.message).toContain('empty body');
    expect(server.requests).toHaveLength(1);
  });

  it('resolves undefined for a 204', async () => {
    const server = await serve((_, res) => {
      res.writeHead(204);
      res.end();
    });
    await expect(clientFor(server.url).accounts.delete({ accountId: 'ACC1' })).resolves.toBeUndefined();
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['DELETE /accounts/ACC1']);
  });

  const badGateway =
    '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
    '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

  const htmlPage = (_: RecordedRequest, res: ServerResponse) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end(badGateway);
  };

  it('turns an HTML 502 page into an InternalServerError with a readable message (facade)', async () => {
    const server = await serve(htmlPage);
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }, { maxRetries: 0 }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 502, body: badGateway });
    expect(error.message).toContain('502 Bad Gateway');
    expect(error.message).not.toMatch(/[<>]/);
    expect(server.requests).toHaveLength(1);
  });

  it('returns an HTML 502 page as the error text, without throwing (raw api)', async () => {
    const server = await serve(htmlPage);
    const api = clientFor(server.url, sdkRetryDelay).withOptions({ maxRetries: 1 }).api;
    const { data, error, response } = await api.GET('/accounts/{account_id}', {
      params: { path: { account_id: 'ACC1' } },
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(502);
    expect(error).toBe(badGateway);
    expect(server.requests).toHaveLength(2); // a GET on 502 is retried once, per withOptions
  });
});

describe('server text in error messages', () => {
  const echo = (body: unknown, status = 401, headers: Record<string, string> = {}) =>
    serve((_, res) => sendJson(res, status, body, headers));

  it('escape codes, line breaks and bidi overrides are stripped; the body keeps them', async () => {
    const message = 'line one\r\n\x1b[31mred\x1b[0m \x1b]0;title\x07 \u202eevil\u202c\u0000end';
    const server = await echo({ message }, 400);
    const error = (await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }))) as TogaiApiError;
    expect(error.message).toBe('GET /accounts/ACC1 failed with 400: line one red evil end');
    expect(error.apiMessage).toBe(message);
  });

  it('a long message is cut to 500 characters', async () => {
    const server = await echo({ message: 'm'.repeat(6000) }, 404);
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toMatch(/failed with 404: m{500}…$/);
  });

  it('a 5 MB message is cut as well (from the first 8 KiB of the body, which no longer parses)', async () => {
    const server = await echo({ message: 'm'.repeat(5_000_000) }, 404);
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toMatch(/failed with 404: \{"message":"m{488}…$/);
  });
});

describe('error bodies', () => {
  const body = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }).map((text) => Buffer.from(text)),
    fc.json({ maxDepth: 3 }).map((text) => Buffer.from(text)),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    fc
      .constantFrom('', ' ', 'null', '[]', '"text"', '{"message": 42}', '{"message": "m"}', '<html>')
      .map((text) => Buffer.from(text)),
  );
  const contentType = fc.constantFrom(
    undefined,
    'application/json',
    'application/json; charset=utf-8',
    'application/problem+json',
    'text/html',
    'text/plain; charset=iso-8859-1',
    'application/octet-stream',
  );

  // Every status from 400 to 599, the ones the SDK treats specially more often. 407 is left out: Node's fetch
  // turns it into a network error before the SDK sees a response.
  const status = fc
    .oneof(fc.constantFrom(400, 401, 403, 404, 408, 421, 429, 500, 502, 503, 504), fc.integer({ min: 400, max: 599 }))
    .filter((code) => code !== 407);

  it('never break parsing: the facade throws the TogaiApiError subclass for the status', async () => {
    const { accounts } = createTogaiClient({
      baseUrl: shared.server.url,
      token: 'properties-token',
      pathStyle: 'flat',
      maxRetries: 0,
    });
    await fc.assert(
      fc.asyncProperty(status, body, contentType, async (status, bytes, type) => {
        shared.answer = (_, res) => {
          res.writeHead(status, { 'content-length': String(bytes.length), ...(type && { 'content-type': type }) });
          res.end(bytes);
        };
        const before = shared.server.requests.length;
        const error = await failure(accounts.get({ accountId: 'ACC1' }));
        expect(error).toBeInstanceOf(expectedClass(status));
        const apiError = error as TogaiApiError;
        expect(apiError.status).toBe(status);
        expect(apiError.message).toContain(`GET /accounts/ACC1 failed with ${status}`);
        expect(() => JSON.stringify(apiError)).not.toThrow();
        // maxRetries is 0, so one request; but Node's fetch itself resends a 421 once on a new connection, as the
        // Fetch standard allows (the server did not act on a misdirected request).
        expect(shared.server.requests.length - before).toBeOneOf(status === 421 ? [1, 2] : [1]);
      }),
      { numRuns },
    );
  });
});
