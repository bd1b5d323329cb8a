// createTogaiClient: wires the pieces together. openapi-fetch builds typed requests; the guard in front of it
// (raw-api.ts) validates each call, reports deprecations and keys purchases; the transport beneath it
// authenticates, times out and retries.
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../generated/schema.js';
import { resolveCredential, type Credential, type CredentialOptions } from './auth.js';
import { createDeprecationReporter, type DeprecationOptions } from './deprecation.js';
import { TogaiConfigurationError } from './errors.js';
import { createFacade, type Facade } from './facade.js';
import { assertSendableHeaders } from './headers.js';
import { resolveTuning, safeOverrides, type credentialRoutingOptions, type Tuning } from './options.js';
import { guardRawApi, serializeBody, serializeQuery } from './raw-api.js';
import { createTransport, type TransportOptions } from './retry.js';
import { createExchangingCredential, exchangeToken } from './token-exchange.js';
import { resolveVariant, type Environment, type PathStyle, type PathStyleFor, type VariantOptions } from './variants.js';

export interface TogaiClientOptions extends CredentialOptions, VariantOptions, DeprecationOptions, Partial<Tuning> {
  /** The fetch implementation to send requests with. Default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch | undefined;
  /** Headers sent with every request. */
  headers?: Record<string, string> | undefined;
  /**
   * Trade the credential for a short-lived bearer token at `POST /authenticate` (valid 24 hours) and send that
   * instead: one exchange serves concurrent calls; it is renewed before it expires, or once after a 401.
   */
  shortLivedToken?: boolean | undefined;
}

/** Options `withOptions` may change: everything but what decides where the credential goes. */
export type TogaiClientOverrides = Omit<TogaiClientOptions, (typeof credentialRoutingOptions)[number]>;

export type TogaiApi = Client<paths, `${string}/${string}`>;

/** What every client has besides its resources. */
export interface TogaiClientCore<S extends PathStyle = PathStyle> {
  /** The typed openapi-fetch client for every path of the spec, with auth, validation, deprecation warnings, retries and timeouts applied. */
  readonly api: TogaiApi;
  readonly environment: Environment;
  readonly baseUrl: string;
  readonly pathStyle: S;
  /** A client with some options changed (e.g. a shorter timeout), sharing this one's credential and warnings. */
  withOptions(overrides: TogaiClientOverrides): TogaiClient<S>;
}

/**
 * A client: the raw `api`, plus one facade resource per area of the API (`client.accounts`, `client.customers`,
 * `client.events`, ...) whose plain async methods are routed to this client's path style, return data and throw
 * typed errors.
 */
export type TogaiClient<S extends PathStyle = PathStyle> = TogaiClientCore<S> & Facade<S>;

/** The client's credential: the configured one, or a short-lived token obtained with it. */
function resolveClientCredential(options: TogaiClientOptions, transport: Omit<TransportOptions, 'credential'>, apiBase: string): Credential {
  const configured = resolveCredential(options);
  if (options.shortLivedToken === undefined || options.shortLivedToken === false) return configured;
  if (options.shortLivedToken !== true) throw new TogaiConfigurationError('shortLivedToken must be true or false.');
  const send = createTransport({ ...transport, credential: configured });
  return createExchangingCredential(configured, { exchange: () => exchangeToken(send, apiBase) });
}

/** What a client shares with those `withOptions` derives from it. */
interface Shared {
  seenDeprecations: Set<string>;
  /** The credential, once resolved: a short-lived token is exchanged once for all of them. */
  credential?: Credential;
}

function buildClient(options: TogaiClientOptions, shared: Shared): TogaiClient {
  const { environment, baseUrl, pathStyle } = resolveVariant(options);
  const tuning = resolveTuning(options);
  const apiBase = baseUrl.href.replace(/\/$/, '');
  assertSendableHeaders(options.headers, 'headers', TogaiConfigurationError);
  const baseFetch = options.fetch ?? globalThis.fetch;
  if (typeof baseFetch !== 'function') throw new TogaiConfigurationError('No fetch implementation: pass `fetch`.');

  const credential = (shared.credential ??= resolveClientCredential(options, { fetch: baseFetch.bind(globalThis), credentialOrigin: baseUrl.origin, ...tuning }, apiBase));
  const deprecations = createDeprecationReporter(options, shared.seenDeprecations);
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

  const auth = options.shortLivedToken ? 'shortLivedToken' : credential.kind;
  const summary = { environment, baseUrl: baseUrl.href, pathStyle, auth, maxRetries: tuning.maxRetries, timeout: tuning.timeout };
  return {
    ...createFacade(api, pathStyle),
    api,
    environment,
    baseUrl: baseUrl.href,
    pathStyle,
    withOptions: (overrides) => buildClient({ ...options, ...safeOverrides(overrides) }, shared),
    // Nothing here holds the credential; these only make logging the client pleasant.
    toJSON: () => summary,
    toString: () => `TogaiClient(${JSON.stringify(summary)})`,
    [Symbol.for('nodejs.util.inspect.custom')]: () => `TogaiClient ${JSON.stringify(summary)}`,
  } as TogaiClient;
}

/**
 * Creates a client for the Togai API.
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
  return buildClient(options ?? {}, { seenDeprecations: new Set() }) as unknown as TogaiClient<PathStyleFor<E, P>>;
}
