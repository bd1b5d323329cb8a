// Credentials: where they come from, which header carries them, and where they may be sent.
// The secret lives only in the closure returned here: never on an object that could be logged or serialized.
import { TogaiConfigurationError } from './errors.js';

export interface CredentialOptions {
  /** Bearer token, sent as `Authorization: Bearer <token>`. Defaults to `TOGAI_API_TOKEN`. */
  token?: string | undefined;
  /** API key, sent as `X-API-Key`. Defaults to `TOGAI_API_KEY`. */
  apiKey?: string | undefined;
}

export interface Credential {
  readonly kind: 'bearer' | 'apiKey';
  /** Adds the credential to `headers` (mutates). */
  apply(headers: Headers): void;
}

function fromEnvironment(name: string): string | undefined {
  const env = typeof process === 'object' ? process.env : undefined;
  const value = env?.[name];
  return value ? value : undefined;
}

/**
 * Characters an HTTP header value cannot carry. Caught here because fetch would reject them later, in an
 * error message that quotes the whole header value, credential included.
 */
const unsendable = /[^\t\x20-\x7e\x80-\xff]/;

/** Resolves the credential from options, then the environment; throws at once when there is none. */
export function resolveCredential(options: CredentialOptions): Credential {
  const token = options.token ?? (options.apiKey === undefined ? fromEnvironment('TOGAI_API_TOKEN') : undefined);
  const apiKey = options.apiKey ?? (token === undefined ? fromEnvironment('TOGAI_API_KEY') : undefined);
  if (token !== undefined && apiKey !== undefined) {
    throw new TogaiConfigurationError('Pass either `token` or `apiKey`, not both.');
  }
  const secret = token ?? apiKey;
  if (!secret || unsendable.test(secret)) {
    throw new TogaiConfigurationError(
      !secret
        ? 'No Togai credential: pass `token` or `apiKey`, or set TOGAI_API_TOKEN or TOGAI_API_KEY.'
        : /[\r\n]/.test(secret)
          ? 'The Togai credential contains a line break; check how it was loaded.'
          : 'The Togai credential contains a control character or a character above U+00FF, which no HTTP header can carry; check how it was loaded.',
    );
  }
  const [header, value] = token !== undefined ? ['Authorization', `Bearer ${token}`] : ['X-API-Key', secret];
  return {
    kind: token !== undefined ? 'bearer' : 'apiKey',
    apply: (headers) => headers.set(header, value),
  };
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopback(url: URL): boolean {
  return loopbackHosts.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname) || url.hostname.endsWith('.localhost');
}

/** Credentials travel over TLS, except to this machine (a local mock or test server). */
export function assertSafeTransport(url: URL): void {
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && isLoopback(url)) return;
  throw new TogaiConfigurationError(
    `Refusing to send Togai credentials to ${url.protocol}//${url.host}: use https:// (plain http:// is allowed only for loopback hosts).`,
  );
}
