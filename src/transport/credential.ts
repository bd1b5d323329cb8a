// Credentials: where they come from and which header carries them (where they may go: core/urls.ts).
// The secret lives only in the closure returned here: never on an object that could be logged or serialized.
import { TogaiConfigurationError } from '../core/errors.js';
import { unsendableReason } from '../core/checks.js';
import { fromEnvironment } from '../core/environment.js';
import { createSecrets, type Secrets } from '../core/redaction.js';

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
  /** Every secret this client holds or was issued, for blotting out of server text before it is shown. */
  readonly secrets: Secrets;
  /** For a credential obtained at run time (a short-lived token): resolves once it is usable. */
  ready?(): Promise<void>;
  /**
   * After a 401 to a request sent with `sent` headers: renews the credential if that one was rejected (or waits for
   * a renewal under way). Resolves true when a resend with the new credential is worth one try.
   */
  renewAfterUnauthorized?(sent: Headers): Promise<boolean>;
}

/** Resolves the credential from options, then the environment; throws at once when there is none or it is unusable. */
export function resolveCredential(options: CredentialOptions): Credential {
  const fromEnv = options.token === undefined && options.apiKey === undefined;
  const token = options.token ?? (options.apiKey === undefined ? fromEnvironment('TOGAI_API_TOKEN') : undefined);
  const apiKey = options.apiKey ?? (token === undefined ? fromEnvironment('TOGAI_API_KEY') : undefined);
  if (token !== undefined && apiKey !== undefined) throw new TogaiConfigurationError('Pass either `token` or `apiKey`, not both.');
  const secret = token ?? apiKey;
  if (typeof secret !== 'string' || secret === '') {
    throw new TogaiConfigurationError('No Togai credential: pass `token` or `apiKey`, or set TOGAI_API_TOKEN or TOGAI_API_KEY.');
  }
  const source = fromEnv ? (token !== undefined ? 'TOGAI_API_TOKEN' : 'TOGAI_API_KEY') : token !== undefined ? '`token`' : '`apiKey`';
  // A pasted secret often brings a space or a newline along. Sent as is it fails as a 401 far from its cause, and
  // trimming it silently would hide a broken secret store, so it is refused here, in words that do not quote it.
  const problem =
    secret.trim() === '' ? 'is only whitespace' : secret !== secret.trim() ? 'has leading or trailing whitespace' : unsendableReason(secret);
  if (problem) throw new TogaiConfigurationError(`The Togai credential from ${source} ${problem}; check how it was loaded.`);
  const [header, value] = token !== undefined ? ['Authorization', `Bearer ${token}`] : ['X-API-Key', secret];
  return {
    kind: token !== undefined ? 'bearer' : 'apiKey',
    apply: (headers) => headers.set(header, value),
    secrets: createSecrets([secret]),
  };
}
