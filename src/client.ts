// createTogaiClient: wires the pieces together. openapi-fetch builds typed requests; our middleware validates
// path parameters, reports deprecations and keys purchases; the transport beneath it authenticates, times
// out and retries.
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from '../generated/schema.js';
import { assertSafeTransport, resolveCredential, type CredentialOptions } from './auth.js';
import { createDeprecationReporter, type DeprecationOptions } from './deprecation.js';
import { TogaiConfigurationError } from './errors.js';
import { createFacade, type Facade } from './facade.js';
import { ensureGeneratedKeys } from './idempotency.js';
import { operationForRoute } from './operations.js';
import { createTransport, defaults, withCallOptions } from './retry.js';
import { assertValidPathParams, createValidatingPathSerializer } from './validation.js';
import { resolveVariant, type Environment, type PathStyle, type PathStyleFor, type VariantOptions } from './variants.js';

export interface TogaiClientOptions extends CredentialOptions, VariantOptions, DeprecationOptions {
  /** Retries after the first attempt, when it is safe to resend (see README). Default 2; 0 disables. */
  maxRetries?: number | undefined;
  /** Longest pause between attempts in milliseconds, whatever `Retry-After` asks for. Default 30 000. */
  maxRetryDelay?: number | undefined;
  /** Milliseconds per attempt, until the whole response has arrived. Default 60 000. */
  timeout?: number | undefined;
  /** The fetch implementation to send requests with. Default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch | undefined;
  /** Headers sent with every request. */
  headers?: Record<string, string> | undefined;
}

/** Options `withOptions` may change: everything but the credential and the variant. */
export type TogaiClientOverrides = Omit<TogaiClientOptions, 'token' | 'apiKey' | 'environment' | 'baseUrl' | 'pathStyle'>;

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

function checkCount(name: string, value: number | undefined, fallback: number, { allowZero }: { allowZero: boolean }) {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0) || !Number.isInteger(value)) {
    throw new TogaiConfigurationError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${value}.`);
  }
  return value;
}

function buildClient(options: TogaiClientOptions, seenDeprecations: Set<string>): TogaiClient {
  const credential = resolveCredential(options);
  const { environment, baseUrl, pathStyle } = resolveVariant(options);
  assertSafeTransport(baseUrl);
  const maxRetries = checkCount('maxRetries', options.maxRetries, defaults.maxRetries, { allowZero: true });
  const timeout = checkCount('timeout', options.timeout, defaults.timeout, { allowZero: false });
  const maxRetryDelay = checkCount('maxRetryDelay', options.maxRetryDelay, defaults.maxRetryDelay, { allowZero: true });
  const baseFetch = options.fetch ?? globalThis.fetch;
  if (typeof baseFetch !== 'function') throw new TogaiConfigurationError('No fetch implementation: pass `fetch`.');

  const deprecations = createDeprecationReporter(options, seenDeprecations);
  const sdkMiddleware: Middleware = {
    onRequest({ request, schemaPath, params }) {
      const operation = operationForRoute(request.method, schemaPath);
      if (!operation) return undefined;
      // Values were checked while the URL was built; this catches a call with no `params.path` at all.
      if (!params.path) assertValidPathParams(operation, undefined);
      deprecations.operationCalled(operation);
      // A query sent as POST changes nothing, so it may be resent like a GET.
      if (operation.retrySafe) return withCallOptions(request, { idempotent: true });
      return operation.generatedKeys.length > 0 ? ensureGeneratedKeys(request, operation) : undefined;
    },
    onResponse({ request, response, schemaPath }) {
      deprecations.responseReceived(response, request.method, schemaPath, operationForRoute(request.method, schemaPath));
      return undefined;
    },
  };

  const apiBase = baseUrl.href.replace(/\/$/, '');
  const api = createClient<paths>({
    baseUrl: apiBase,
    pathSerializer: createValidatingPathSerializer(apiBase),
    headers: options.headers,
    fetch: createTransport({
      fetch: baseFetch.bind(globalThis),
      credential,
      credentialOrigin: baseUrl.origin,
      maxRetries,
      timeout,
      maxRetryDelay,
    }),
  });
  api.use(sdkMiddleware);

  const summary = { environment, baseUrl: baseUrl.href, pathStyle, auth: credential.kind, maxRetries, timeout };
  return {
    ...createFacade(api, pathStyle),
    api,
    environment,
    baseUrl: baseUrl.href,
    pathStyle,
    withOptions: (overrides) => buildClient({ ...options, ...overrides }, seenDeprecations),
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
