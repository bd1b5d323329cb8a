// All 26 operations, through the facade and through the raw `api`, against a Prism mock of our own spec.
// Prism validates each request (path, query, body, auth) and answers the operation's first example, so a
// success without `sl-violations` means the SDK sent what the spec allows, and the result must equal that example.
import { describe, expect, inject, test } from 'vitest';
import { operations } from '../generated/operations.js';
import { createTogaiClient, type OperationMetadata } from '../src/index.js';
import { camelCase } from '../src/operations.js';
import { exampleInputs, specOperationsById } from './support/spec.js';

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
  test.each(all.map((op) => [`${op.variant} ${op.resource}.${op.sdkMethod} → ${op.operationId}`, op] as const))('%s', async (_, op) => {
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
});

describe('raw api', () => {
  test.each(all.map((op) => [`${op.method} ${op.path}`, op] as const))('%s', async (_, op) => {
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
