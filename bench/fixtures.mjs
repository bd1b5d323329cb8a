// Canned API responses taken from the spec's own examples, and in-memory fetch implementations that serve them.
import { readFileSync } from 'node:fs';
import { specPath } from './paths.mjs';

export const spec = JSON.parse(readFileSync(specPath, 'utf8'));

function firstExample(operation, status) {
  const examples = operation.responses[status].content['application/json'].examples;
  return Object.values(examples)[0].value;
}

/** The account the spec shows as getAccount's 200 answer. */
export const account = firstExample(spec.paths['/accounts/{account_id}'].get, '200');
export const accountJson = JSON.stringify(account);
export const token = 'bench-token';

const jsonHeaders = { 'content-type': 'application/json' };

/** A fetch that answers every request with `json`, as a fresh 200 Response (bodies are single-use). */
export const cannedFetch = (json) => async () => new Response(json, { status: 200, headers: jsonHeaders });

/** A fetch that answers every request with the canned account. */
export const accountFetch = cannedFetch(accountJson);

const entitlementPath = '/accounts/{account_id}/entitlements/{feature_id}';
/** getEntitlementValue's and validateEntitlementValue's first examples: the answer and, for the check, the body. */
export const entitlement = {
  value: firstExample(spec.paths[entitlementPath].get, '200'),
  check: Object.values(spec.paths[entitlementPath].post.requestBody.content['application/json'].examples)[0].value,
  verdict: firstExample(spec.paths[entitlementPath].post, '200'),
};

/**
 * A fetch that serves GET /accounts as `pages` pages of `pageSize` accounts, chained by `nextToken`.
 * The token is the next page's index, so the server side keeps no state.
 */
export function pagedAccountsFetch({ pages, pageSize }) {
  const before = accountJson.slice(0, accountJson.indexOf(account.id));
  const after = accountJson.slice(accountJson.indexOf(account.id) + account.id.length);
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), 'http://unused.invalid');
    const page = Number(url.searchParams.get('nextToken') ?? '0');
    const items = new Array(pageSize);
    for (let i = 0; i < pageSize; i += 1) items[i] = `${before}ACC${page * pageSize + i}${after}`;
    const next = page + 1 < pages ? `,"nextToken":"${page + 1}"` : '';
    return new Response(`{"data":[${items.join(',')}]${next}}`, { status: 200, headers: jsonHeaders });
  };
}
