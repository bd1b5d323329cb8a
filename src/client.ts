// createTogaiClient: wires the pieces together. openapi-fetch builds typed requests; the guard in front of it
// (raw-api.ts) validates each call, reports deprecations and keys purchases; the transport beneath it
// authenticates, times out and retries.
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../generated/schema.js';
import { resolveCredential, type CredentialOptions } from './auth.js';
import { createDeprecationReporter, type DeprecationOptions } from './deprecation.js';
import { TogaiConfigurationError } from './errors.js';
import { createAccountsFacade, type AccountsFacade } from './facade.js';
import { assertSendableHeaders } from './headers.js';
import { resolveTuning, safeOverrides, type credentialRoutingOptions, type Tuning } from './options.js';
import { guardRawApi, serializeBody, serializeQuery } from './raw-api.js';
import { createTransport } from './retry.js';
import { resolveVariant, type Environment, type PathStyle, type PathStyleFor, type VariantOptions } from './variants.js';

export interface TogaiClientOptions extends CredentialOptions, VariantOptions, DeprecationOptions, Partial<Tuning> {
  /** The fetch implementation to send requests with. Default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch | undefined;
  /** Headers sent with every request. */
  headers?: Record<string, string> | undefined;
}

/** Options `withOptions` may change: everything but what decides where the credential goes. */
export type TogaiClientOverrides = Omit<TogaiClientOptions, (typeof credentialRoutingOptions)[number]>;

export type TogaiApi = Client<paths, `${string}/${string}`>;

export interface TogaiClient<S extends PathStyle = PathStyle> {
  /** The typed openapi-fetch client for every path of the spec, with auth, validation, deprecation warnings, retries and timeouts applied. */
  readonly api: TogaiApi;
  /** Plain async methods over all operations, routed to this client's path style; they return data and throw typed errors. */
  readonly accounts: AccountsFacade<S>;
  readonly environment: Environment;
  readonly baseUrl: string;
  readonly pathStyle: S;
  /** A client with some options changed (e.g. a shorter timeout), sharing this one's credential and warnings. */
  withOptions(overrides: TogaiClientOverrides): TogaiClient<S>;
}

function buildClient(options: TogaiClientOptions, seenDeprecations: Set<string>): TogaiClient {
  const credential = resolveCredential(options);
  const { environment, baseUrl, pathStyle } = resolveVariant(options);
  const tuning = resolveTuning(options);
  assertSendableHeaders(options.headers, 'headers', TogaiConfigurationError);
  const baseFetch = options.fetch ?? globalThis.fetch;
  if (typeof baseFetch !== 'function') throw new TogaiConfigurationError('No fetch implementation: pass `fetch`.');

  const deprecations = createDeprecationReporter(options, seenDeprecations);
  const apiBase = baseUrl.href.replace(/\/$/, '');
  const api = guardRawApi(
    createClient<paths>({
      baseUrl: apiBase,
      bodySerializer: serializeBody,
      querySerializer: serializeQuery,
      headers: options.headers,
      fetch: createTransport({ fetch: baseFetch.bind(globalThis), credential, credentialOrigin: baseUrl.origin, ...tuning }),
    }),
    deprecations,
  );

  const summary = { environment, baseUrl: baseUrl.href, pathStyle, auth: credential.kind, maxRetries: tuning.maxRetries, timeout: tuning.timeout };
  return {
    api,
    accounts: createAccountsFacade(api, pathStyle),
    environment,
    baseUrl: baseUrl.href,
    pathStyle,
    withOptions: (overrides) => buildClient({ ...options, ...safeOverrides(overrides) }, seenDeprecations),
    // Nothing here holds the credential; these only make logging the client pleasant.
    toJSON: () => summary,
    toString: () => `TogaiClient(${JSON.stringify(summary)})`,
    [Symbol.for('nodejs.util.inspect.custom')]: () => `TogaiClient ${JSON.stringify(summary)}`,
  } as TogaiClient;
}

/**
 * Creates a client for the Togai Accounts API.
 *
 * ```ts
 * const togai = createTogaiClient({ environment: 'sandbox', token: process.env.TOGAI_API_TOKEN });
 * const account = await togai.accounts.get({ customerId: 'C1', accountId: 'ACC00001' });
 * ```
 */
export function createTogaiClient<
  const E extends Environment | undefined = undefined,
  const P extends PathStyle | undefined = undefined,
>(options?: TogaiClientOptions & { environment?: E; pathStyle?: P }): TogaiClient<PathStyleFor<E, P>> {
  return buildClient(options ?? {}, new Set()) as unknown as TogaiClient<PathStyleFor<E, P>>;
}
