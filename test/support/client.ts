// The client the behaviour tests point at their loopback servers, with its defaults in one place.
import { createTogaiClient, type TogaiClientOptions } from '../../src/index.js';

/** The bearer token `clientFor` sends unless told otherwise: long enough to be redacted wherever it is echoed. */
export const token = 'test-suite-token-0123456789';
/** An API key, for tests that send one (`x-api-key`, short-lived tokens). */
export const apiKey = 'test-suite-api-key-0123456789';

/** Any client option but where the client points and its path style (always flat). */
export type ClientForOptions = Omit<TogaiClientOptions, 'baseUrl' | 'pathStyle' | 'environment'>;

/**
 * A flat-paths client for the server at `url`, with the bearer `token` above (none when `options` give an
 * `apiKey`), deprecation notices silenced and retries without waiting (`maxRetryDelay: 0`). `options` override
 * every default; an option given as `undefined` is the SDK's own default (see `sdkRetryDelay`).
 */
export function clientFor(url: string, options: ClientForOptions = {}) {
  const credential = options.apiKey === undefined ? { token } : {};
  return createTogaiClient({
    baseUrl: url,
    pathStyle: 'flat',
    silenceDeprecations: true,
    maxRetryDelay: 0,
    ...credential,
    ...options,
  });
}

/** For tests of real waits (backoff, Retry-After, an abort during a pause): the SDK's own cap of 30 s, not 0. */
export const sdkRetryDelay = { maxRetryDelay: undefined } as const;
