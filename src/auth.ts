// Credentials: where they come from and which header carries them (where they may go: base-url.ts).
// The secret lives only in the closure returned here: never on an object that could be logged or serialized.
import { TogaiConfigurationError } from './errors.js';
import { unsendableReason } from './headers.js';
import { createRedactor, type Redactor } from './redaction.js';

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
  /** Blots the secret out of server text before it goes into an error message. */
  readonly redact: Redactor;
  /** For a credential obtained at run time (a short-lived token): resolves once it is usable. */
  ready?(): Promise<void>;
  /**
   * After a 401 to a request sent with `sent` headers: renews the credential if that one was rejected. Resolves
   * true when a resend with the new credential is worth one try.
   */
  renewAfterUnauthorized?(sent: Headers): Promise<boolean>;
}

function fromEnvironment(name: string): string | undefined {
  const env = typeof process === 'object' ? process.env : undefined;
  const value = env?.[name];
  return value ? value : undefined;
}

/** Resolves the credential from options, then the environment; throws at once when there is none. */
export function resolveCredential(options: CredentialOptions): Credential {
  const fromEnv = options.token === undefined && options.apiKey === undefined;
  const token = options.token ?? (options.apiKey === undefined ? fromEnvironment('TOGAI_API_TOKEN') : undefined);
  const apiKey = options.apiKey ?? (token === undefined ? fromEnvironment('TOGAI_API_KEY') : undefined);
  if (token !== undefined && apiKey !== undefined) {
    throw new TogaiConfigurationError('Pass either `token` or `apiKey`, not both.');
  }
  const secret = token ?? apiKey;
  if (!secret) {
    throw new TogaiConfigurationError('No Togai credential: pass `token` or `apiKey`, or set TOGAI_API_TOKEN or TOGAI_API_KEY.');
  }
  const [tokenSource, keySource] = fromEnv ? ['TOGAI_API_TOKEN', 'TOGAI_API_KEY'] : ['`token`', '`apiKey`'];
  // Checked here because fetch would reject it later, in an error message that quotes the whole header value.
  const problem = secret.trim() === '' ? 'is only whitespace' : unsendableReason(secret);
  if (problem) {
    throw new TogaiConfigurationError(
      `The Togai credential from ${token !== undefined ? tokenSource : keySource} ${problem}; check how it was loaded.`,
    );
  }
  const [header, value] = token !== undefined ? ['Authorization', `Bearer ${token}`] : ['X-API-Key', secret];
  return {
    kind: token !== undefined ? 'bearer' : 'apiKey',
    apply: (headers) => headers.set(header, value),
    redact: createRedactor([secret]),
  };
}
