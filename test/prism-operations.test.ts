// All 26 operations, through the facade and through the raw `api`, against a Prism mock of our own spec (and how
// the SDK reports Prism's rejections).
// Prism validates each request (path, query, body, auth) and answers the operation's first example, so a
// success without `sl-violations` means the SDK sent what the spec allows, and the result must equal that example.
import { describe, expect, inject, test } from 'vitest';
import { operations } from '../generated/operations.js';
import { BadRequestError, createTogaiClient, NotFoundError, type OperationMetadata } from '../src/index.js';
import { startServer } from './support/http-server.js';
import { camelCase, exampleInputs, specOperationsById } from './support/spec.js';

/** Wraps the real fetch to see what Prism said about each request. */
function recordingFetch() {
  const seen: { status: number; violations: string | null; authorization: string | null }[] = [];
  const fetchWithLog: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const response = await fetch(request);
    seen.push({ status: response.status, violations: response.headers.get('sl-violations'), authorization: request.headers.get('authorization') });
    return response;
  };
  return { seen, fetch: fetchWithLog };
}

const all = Object.values(operations) as OperationMetadata[];
// A download answers with a redirect to another host; it has its own test below.
const calls = all.filter((op) => !op.download);

function clientFor(op: OperationMetadata, fetchImpl: typeof fetch) {
  return createTogaiClient({
    baseUrl: inject('prismUrl'),
    token: 'prism-token',
    pathStyle: op.variant,
    silenceDeprecations: true,
    maxRetries: 0,
    fetch: fetchImpl,
  });
}

describe('facade', () => {
  test.each(calls.map((op) => [`${op.variant} ${op.resource}.${op.sdkMethod} → ${op.operationId}`, op] as const))('%s', async (_, op) => {
    const { path, query, body, expected } = exampleInputs(op);
    const recorder = recordingFetch();
    const togai = clientFor(op, recorder.fetch);
    const args: Record<string, unknown> = { query, body };
    for (const [name, value] of Object.entries(path)) args[camelCase(name)] = value;
    const resource = (togai as unknown as Record<string, Record<string, (a: unknown) => unknown>>)[op.resource]!;
    const call = resource[op.sdkMethod]!(args);
    const result = op.pagination ? (await (call as PromiseLike<{ body: unknown }>)).body : await call;

    expect(recorder.seen).toEqual([{ status: specOperationsById[op.operationId]!.successStatus, violations: null, authorization: 'Bearer prism-token' }]);
    expect(result).toEqual(expected);
  });

  test.each(all.filter((op) => op.download).map((op) => [`${op.resource}.${op.sdkMethod}`, op] as const))(
    "%s follows Prism's 302 to the storage host, without the credential or the caller's headers, and returns the bytes",
    async (_, op) => {
      const { path } = exampleInputs(op);
      const seen: { url: string; status: number; authorization: string | null; prefer: string | null }[] = [];
      const fetchWithStorage: typeof fetch = async (input, init) => {
        const request = new Request(input, init);
        // The storage host of the spec's example is not reachable here: this fetch plays it.
        const response = request.url.startsWith(inject('prismUrl')) ? await fetch(request) : new Response('%PDF-1.7 bytes', { headers: { 'content-type': 'application/pdf' } });
        seen.push({ url: new URL(request.url).host, status: response.status, authorization: request.headers.get('authorization'), prefer: request.headers.get('prefer') });
        return response;
      };
      const togai = clientFor(op, fetchWithStorage);
      const args: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(path)) args[camelCase(name)] = value;
      const resource = (togai as unknown as Record<string, Record<string, (a: unknown, o: unknown) => Promise<Blob>>>)[op.resource]!;
      // Prism answers a 2xx when it can; a download has none, so ask for the redirect.
      const blob = await resource[op.sdkMethod]!(args, { headers: { Prefer: 'code=302' } });
      expect(blob).toBeInstanceOf(Blob);
      expect([blob.type, await blob.text()]).toEqual(['application/pdf', '%PDF-1.7 bytes']);
      expect(seen).toEqual([
        { url: new URL(inject('prismUrl')).host, status: 302, authorization: 'Bearer prism-token', prefer: 'code=302' },
        { url: 'files.togai.example', status: 200, authorization: null, prefer: null },
      ]);
    },
  );

  test('typed results: a flat account and a customer-scoped account list', async () => {
    const flat = createTogaiClient({ baseUrl: inject('prismUrl'), token: 't', pathStyle: 'flat' });
    const account = await flat.accounts.get({ accountId: 'ACC00001', query: { includeGroupDetails: true } });
    expect(account.status).toMatch(/^(ACTIVE|DRAFT|ARCHIVED)$/);
    expect(typeof account.togaiAccountId).toBe('string');

    const scoped = createTogaiClient({ baseUrl: inject('prismUrl'), apiKey: 'k', environment: 'sandbox' });
    const page = await scoped.accounts.list({ customerId: 'CUS00001', query: { pageSize: '10' } });
    expect(Array.isArray(page.items)).toBe(true);
    expect(page.items[0]?.name).toBeTypeOf('string');
  });

  test('Prism rejects what the spec forbids, so the assertions above can fail', async () => {
    const recorder = recordingFetch();
    const togai = createTogaiClient({ baseUrl: inject('prismUrl'), token: 't', fetch: recorder.fetch, maxRetries: 0 });
    // A body the types forbid, sent anyway: Prism must answer with violations.
    const bad = togai.accounts.create({ body: { id: 'A', name: 'N' } as never });
    await expect(bad).rejects.toMatchObject({ status: 400 });
    expect(recorder.seen[0]?.violations).toContain('customerId');
  });

  test("a rejection by the mock carries Prism's reasons (sl-violations) in error.violations and says so", async () => {
    const togai = createTogaiClient({ baseUrl: inject('prismUrl'), token: 't', maxRetries: 0 });
    const error = await togai.accounts
      .get({ accountId: 'ACC00001', query: { includeGroupDetails: 'maybe' as unknown as boolean } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    const { violations, message } = error as BadRequestError;
    expect(violations).toEqual([
      expect.objectContaining({ location: ['request', 'query', 'includegroupdetails'], message: expect.stringMatching(/must be boolean/) }),
    ]);
    expect(message).toMatch(/the mock rejected the request: Request query parameter includegroupdetails must be boolean; see error\.violations/);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ status: 400, violations });

    // Two reasons at once: the message names the first and counts the rest.
    const both = (await togai.accounts.create({ body: { name: 7 } as never }).catch((e: unknown) => e)) as BadRequestError;
    expect(both.violations!.length).toBeGreaterThanOrEqual(2);
    expect(both.message).toContain(`(+${both.violations!.length - 1} more)`);

    // An error Prism was asked for (not a rejection) has no violations, and its message does not mention any.
    const notFound = (await togai.accounts.get({ accountId: 'ACC00001' }, { headers: { Prefer: 'code=404' } }).catch((e: unknown) => e)) as NotFoundError;
    expect(notFound).toBeInstanceOf(NotFoundError);
    expect(notFound.violations).toBeUndefined();
    expect(notFound.message).not.toMatch(/mock rejected/);
  });

  test('an unreadable sl-violations header is left out, and a long one is cut short in the message (loopback server)', async () => {
    const long = JSON.stringify([{ location: ['request'], severity: 'Error', code: 'x', message: `\u001b[31m${'y'.repeat(500)}` }]);
    const server = await startServer((request, response) => {
      response.writeHead(400, { 'content-type': 'application/json', 'sl-violations': request.url.includes('long') ? long : 'not json' });
      response.end(JSON.stringify({ message: 'bad request' }));
    });
    try {
      const togai = createTogaiClient({ baseUrl: server.url, token: 't', maxRetries: 0 });
      const error = (await togai.accounts.get({ accountId: 'ACC1' }).catch((e: unknown) => e)) as BadRequestError;
      expect(error).toBeInstanceOf(BadRequestError);
      expect([error.violations, error.apiMessage, error.headers.get('sl-violations')]).toEqual([undefined, 'bad request', 'not json']);
      // A violation goes into the message as one short line, without control characters; in full in `violations`.
      const noisy = (await togai.accounts.get({ accountId: 'long' }).catch((e: unknown) => e)) as BadRequestError;
      expect(noisy.violations?.[0]?.message).toHaveLength(505);
      expect(noisy.message).toMatch(/rejected the request: y{200}…; see error\.violations\)$/); // 200 characters, the escape sequence gone
      expect(noisy.message).not.toMatch(/\u001b/);
    } finally {
      await server.close();
    }
  });
});

describe('raw api', () => {
  test.each(calls.map((op) => [`${op.method} ${op.path}`, op] as const))('%s', async (_, op) => {
    const { path, query, body, expected } = exampleInputs(op);
    const recorder = recordingFetch();
    const togai = clientFor(op, recorder.fetch);
    const request = togai.api.request as unknown as (
      method: string,
      url: string,
      init: unknown,
    ) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
    const { data, error, response } = await request(op.method.toLowerCase(), op.path, { params: { path, query }, body });

    expect(error).toBeUndefined();
    expect(response.status).toBe(specOperationsById[op.operationId]!.successStatus);
    expect(recorder.seen).toEqual([{ status: specOperationsById[op.operationId]!.successStatus, violations: null, authorization: 'Bearer prism-token' }]);
    expect(data).toEqual(expected);
  });

  test('typed call through api', async () => {
    const togai = createTogaiClient({ baseUrl: inject('prismUrl'), apiKey: 'key', silenceDeprecations: true });
    const { data } = await togai.api.GET('/purchases/{purchase_id}', { params: { path: { purchase_id: 'purchase.1' } } });
    expect(data?.status).toBeTypeOf('string');
  });
});
