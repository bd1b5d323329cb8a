// createTogaiClient: wires the layers together. openapi-fetch builds typed requests; the call path in front of it
// (call.ts) checks each call and does the SDK's part; the transport beneath it authenticates, times out and retries.
import createClient, { type Client } from 'openapi-fetch';
import type { Facade } from '../../generated/facade.js';
import type { paths } from '../../generated/schema.js';
import { assertSendableHeaders } from '../core/checks.js';
import { TogaiConfigurationError } from '../core/errors.js';
import { createLog, type Logger, type LogLevel } from '../core/logging.js';
import { createExchangingCredential, resolveCredential, type Credential, type CredentialOptions } from '../transport/credential.js';
import { createTransport } from '../transport/transport.js';
import { createCaller, type Call, type CallInit } from './call.js';
import { createDeprecationReporter, type DeprecationOptions } from './deprecations.js';
import { createFacade } from './facade.js';
import { resolveTuning, safeOverrides, type credentialRoutingOptions, type Tuning } from './options.js';
import { resolveVariant, type Environment, type PathStyle, type PathStyleFor, type VariantOptions } from './variants.js';

export interface TogaiClientOptions extends CredentialOptions, VariantOptions, DeprecationOptions, Partial<Tuning> {
  /** The fetch implementation to send requests with. Default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch | undefined;
  /** Headers sent with every request to the API (never to another origin). */
  headers?: Record<string, string> | undefined;
  /**
   * Trade the credential for a short-lived bearer token at `POST /authenticate` (valid 24 hours) and send that
   * instead: one exchange serves concurrent calls; it is renewed before it expires, or once after a 401.
   */
  shortLivedToken?: boolean | undefined;
  /**
   * What the client logs: `debug` a line per attempt (with the retry decision), `info` a line per call, `warn` each
   * retry, `error` calls that failed for want of a server. Default `TOGAI_LOG`, else `off`.
   */
  logLevel?: LogLevel | undefined;
  /** Where log lines go: anything with `error`, `warn`, `info` and `debug` methods. Default `console`. */
  logger?: Logger | undefined;
}

/** Options `withOptions` may change: everything but what decides where the credential goes. */
export type TogaiClientOverrides = Omit<TogaiClientOptions, (typeof credentialRoutingOptions)[number]>;

/** The typed openapi-fetch client for every path of the spec, with the SDK's checks, auth, retries and timeouts. */
export type TogaiApi = Client<paths, `${string}/${string}`>;

/** What every client has besides its resources. */
export interface TogaiClientCore<S extends PathStyle = PathStyle> {
  /** The typed openapi-fetch client for every path of the spec, with auth, validation, deprecation warnings, retries and timeouts applied. */
  readonly api: TogaiApi;
  readonly environment: Environment;
  readonly baseUrl: string;
  readonly pathStyle: S;
  /** `text` with this client's secrets (its credential, tokens issued to it) blotted out, as in its errors and logs. */
  redact(text: string): string;
  /** A client with some options changed (e.g. a shorter timeout), sharing this one's credential and warnings. */
  withOptions(overrides: TogaiClientOverrides): TogaiClient<S>;
}

/**
 * A client: the raw `api`, plus one facade resource per area of the API (`client.accounts`, `client.invoices`,
 * `client.pricePlans`, ...) whose methods are routed to this client's path style, return data and throw typed errors.
 */
export type TogaiClient<S extends PathStyle = PathStyle> = TogaiClientCore<S> & Facade<S>;

const httpMethods = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'] as const;

/** The raw api: openapi-fetch's methods, each through the call path. */
function rawApi(call: Call, inner: Client<paths>): TogaiApi {
  const api: Record<string, unknown> = {
    request: (method: string, template: string, init?: CallInit) => call(String(method).toUpperCase(), template, init ?? {}),
    use: inner.use,
    eject: inner.eject,
  };
  for (const method of httpMethods) api[method] = (template: string, init?: CallInit) => call(method, template, init ?? {});
  return api as unknown as TogaiApi;
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
  const log = createLog(options);
  assertSendableHeaders(options.headers, 'headers', TogaiConfigurationError);
  const baseFetch = options.fetch ?? globalThis.fetch;
  if (typeof baseFetch !== 'function') throw new TogaiConfigurationError('No fetch implementation: pass `fetch`.');
  if (options.shortLivedToken !== undefined && typeof options.shortLivedToken !== 'boolean') throw new TogaiConfigurationError('shortLivedToken must be true or false.');

  const transport = { fetch: baseFetch.bind(globalThis), credentialOrigin: baseUrl.origin, log, ...tuning };
  const configured = shared.credential ?? resolveCredential(options);
  const exchanging = () => createExchangingCredential(configured, createTransport({ ...transport, credential: configured }), baseUrl);
  const credential = (shared.credential ??= options.shortLivedToken ? exchanging() : configured);
  const inner = createClient<paths>({ baseUrl: baseUrl.href.replace(/\/$/, '') });
  const call = createCaller({
    inner: inner as unknown as Parameters<typeof createCaller>[0]['inner'],
    headers: options.headers,
    send: createTransport({ ...transport, credential }),
    api: baseUrl,
    deprecations: createDeprecationReporter(options, shared.seenDeprecations, credential.secrets.redact),
    secrets: credential.secrets,
    log,
  });

  const auth = options.shortLivedToken ? 'shortLivedToken' : credential.kind;
  const summary = { environment, baseUrl: baseUrl.href, pathStyle, auth, maxRetries: tuning.maxRetries, timeout: tuning.timeout };
  const facade = createFacade(call, pathStyle);
  return {
    ...facade,
    api: rawApi(call, inner),
    environment,
    baseUrl: baseUrl.href,
    pathStyle,
    redact: credential.secrets.redact,
    withOptions: (overrides) => buildClient({ ...options, baseUrl: baseUrl.href, ...safeOverrides(overrides) }, shared), // not TOGAI_BASE_URL anew
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
 * const togai = createTogaiClient({ token: process.env.TOGAI_API_TOKEN });
 * const account = await togai.accounts.get({ accountId: 'ACC00001' });
 * ```
 */
export function createTogaiClient<const E extends Environment | undefined = undefined, const P extends PathStyle | undefined = undefined>(
  options?: TogaiClientOptions & { environment?: E; pathStyle?: P },
): TogaiClient<PathStyleFor<E, P>> {
  return buildClient(options ?? {}, { seenDeprecations: new Set() }) as unknown as TogaiClient<PathStyleFor<E, P>>;
}
