// 7. Entitlement checks, on the hot path of the user's own product (issue 12): getEntitlementValue and
// validateEntitlementValue per call against an in-memory fetch, next to getAccount, through bare openapi-fetch,
// our raw `api` and our facade. Each client's fetch returns its operation's canned example, so only client
// code is timed; all nine calls share tinybench rounds (see timeCalls).
import createClient from 'openapi-fetch';
import { accountJson, cannedFetch, entitlement, token } from './fixtures.mjs';
import { timeCalls } from './per-call.mjs';

const baseUrl = 'https://api.togai.com';
const accountId = 'ACC00001';
const featureId = 'feature.20tzK4mNpQr.a7b8c';
const accountPath = '/accounts/{account_id}';
const entitlementPath = '/accounts/{account_id}/entitlements/{feature_id}';

/** The operations timed, in table order, with the canned answer each one's fetch returns. */
export const entitlementOperations = [
  { name: 'getAccount', facade: 'accounts.get', json: accountJson },
  { name: 'getEntitlementValue', facade: 'entitlements.getValue', json: JSON.stringify(entitlement.value) },
  { name: 'validateEntitlementValue', facade: 'entitlements.validateValue', json: JSON.stringify(entitlement.verdict) },
];
export const entitlementContenders = ['openapi-fetch', 'ours: api', 'ours: facade'];

function callsFor(sdk, { name, json }) {
  const fetch = cannedFetch(json);
  const bare = createClient({ baseUrl, fetch, headers: { Authorization: `Bearer ${token}` } });
  const togai = sdk.createTogaiClient({ baseUrl, token, pathStyle: 'flat', fetch });
  const unwrap = ({ data, error, response }) => {
    if (error !== undefined || !response.ok) throw new Error(`${name} failed with ${response.status}`);
    return data;
  };
  const path = { account_id: accountId, feature_id: featureId };
  const raw = {
    getAccount: (client) => client.GET(accountPath, { params: { path: { account_id: accountId } } }),
    getEntitlementValue: (client) => client.GET(entitlementPath, { params: { path } }),
    validateEntitlementValue: (client) => client.POST(entitlementPath, { params: { path }, body: entitlement.check }),
  }[name];
  const facade = {
    getAccount: () => togai.accounts.get({ accountId }),
    getEntitlementValue: () => togai.entitlements.getValue({ accountId, featureId }),
    validateEntitlementValue: () => togai.entitlements.validateValue({ accountId, featureId, body: entitlement.check }),
  }[name];
  return {
    'openapi-fetch': async () => unwrap(await raw(bare)),
    'ours: api': async () => unwrap(await raw(togai.api)),
    'ours: facade': facade,
  };
}

export async function entitlements(sdk, { smoke }) {
  const calls = {};
  for (const operation of entitlementOperations) {
    for (const [contender, call] of Object.entries(callsFor(sdk, operation)))
      calls[`${operation.name} ${contender}`] = call;
  }
  const { rounds, rows: timed } = await timeCalls(calls, { smoke });
  /** Per contender, `metric` (meanUs or cpuUs) of `operation`. */
  const of = (operation, metric) =>
    Object.fromEntries(
      entitlementContenders.map((c) => [c, timed.find((row) => row.name === `${operation} ${c}`)[metric]]),
    );
  /**
   * Our api and facade against bare openapi-fetch on the same operation; the facade call against accounts.get,
   * and the facade's overhead (its ratio to bare openapi-fetch) against accounts.get's overhead.
   */
  const ratios = (values, get) => ({
    apiRatio: values['ours: api'] / values['openapi-fetch'],
    facadeRatio: values['ours: facade'] / values['openapi-fetch'],
    vsFacadeGet: values['ours: facade'] / get['ours: facade'],
    overheadVsGet: values['ours: facade'] / values['openapi-fetch'] / (get['ours: facade'] / get['openapi-fetch']),
  });
  const get = { meanUs: of('getAccount', 'meanUs'), cpuUs: of('getAccount', 'cpuUs') };
  const rows = entitlementOperations.map(({ name, facade }) => {
    const meanUs = of(name, 'meanUs');
    const cpuUs = of(name, 'cpuUs');
    return { name, facade, meanUs, cpuUs, ...ratios(meanUs, get.meanUs), cpu: ratios(cpuUs, get.cpuUs) };
  });
  return { rounds, rows };
}
