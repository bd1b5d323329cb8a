// The five ways to call getAccount that the benches compare. Each is built over the same `fetch` and base URL,
// sends the same bearer token and resolves with the parsed account.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import createClient from 'openapi-fetch';
import { token } from './fixtures.mjs';

/** Names in table order; `openapi-fetch` is the baseline every ratio is taken against. */
export const contenderNames = ['fetch', 'openapi-fetch', 'ours: api', 'ours: facade', 'hey-api'];
export const baseline = 'openapi-fetch';

export async function loadContenders(dir) {
  const sdk = await import(pathToFileURL(join(dir, 'sdk.mjs')).href);
  const peer = await import(pathToFileURL(join(dir, 'peer.mjs')).href);

  /** Returns `{ name → (accountId) => Promise<account> }` over `fetch` and `baseUrl`. */
  return function createContenders({ fetch, baseUrl }) {
    const authorization = `Bearer ${token}`;
    const bare = createClient({ baseUrl, fetch, headers: { Authorization: authorization } });
    const togai = sdk.createTogaiClient({ baseUrl, token, pathStyle: 'flat', fetch });
    const heyApi = peer.createClient(
      peer.createConfig({ baseUrl, fetch, auth: (scheme) => (scheme.scheme === 'bearer' ? token : undefined) }),
    );
    const unwrap = ({ data, error, response }) => {
      if (error !== undefined || !response.ok) throw new Error(`getAccount failed with ${response.status}`);
      return data;
    };
    return {
      fetch: async (id) => {
        const response = await fetch(`${baseUrl}/accounts/${encodeURIComponent(id)}`, {
          headers: { Authorization: authorization },
        });
        if (!response.ok) throw new Error(`getAccount failed with ${response.status}`);
        return response.json();
      },
      'openapi-fetch': async (id) =>
        unwrap(await bare.GET('/accounts/{account_id}', { params: { path: { account_id: id } } })),
      'ours: api': async (id) =>
        unwrap(await togai.api.GET('/accounts/{account_id}', { params: { path: { account_id: id } } })),
      'ours: facade': (id) => togai.accounts.get({ accountId: id }),
      'hey-api': async (id) => unwrap(await peer.getAccount({ client: heyApi, path: { account_id: id } })),
    };
  };
}
