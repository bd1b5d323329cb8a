// Credentials: where they come from, which header carries them, and short-lived tokens obtained with them at Togai's
// token exchange (`authenticate`): one exchange for concurrent calls, renewed before expiry or once after a 401, taken
// only from the API's own origin. Secrets live only in these closures, never on an object that could be logged.
import { operations } from '../../generated/operations.js';
import { apiErrorFor } from '../core/api-errors.js';
import { fromEnvironment, parsedOr, unsendableReason } from '../core/checks.js';
import { TogaiConfigurationError, TogaiRedirectError, TogaiResponseParseError } from '../core/errors.js';
import { createSecrets, type Redactor, type Secrets } from '../core/redaction.js';

/** The transport's send, as the exchange uses it (transport.ts imports this module, so the type is spelled here). */
type Send = (request: Request, context: { idempotent: boolean }) => Promise<Response>;

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
  /** After a 401 to `sent`: renews a rejected credential (or awaits a renewal); true when a resend is worth a try. */
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

/** Togai's tokens live 24 hours; used when the token does not say when it expires. */
const defaultTokenLifetimeMs = 24 * 60 * 60 * 1000;
/** Renew this long before expiry (or at 90% of a shorter lifetime), so a call never leaves with a dying token. */
const renewalMarginMs = 5 * 60 * 1000;

/** The `exp` claim of a JWT in milliseconds, or undefined when the token is not a readable JWT. */
function jwtExpiry(token: string): number | undefined {
  try {
    const payload = token.split('.')[1] ?? ''; // none, or not base64url JSON: atob() or JSON.parse() throws
    const { exp } = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** The exchange with the long-lived credential, through a transport of its own (retries, timeout, size cap). */
async function exchangeToken(send: Send, api: URL, redact: Redactor): Promise<string> {
  const { method, path, idempotent } = operations.authenticate;
  const url = `${api.href.replace(/\/$/, '')}${path}`;
  const response = await send(new Request(url, { method, headers: { accept: 'application/json' } }), { idempotent });
  const where = { method, path, status: response.status };
  // A token must come from the API itself: one handed out by another origin (after a redirect) is refused.
  if (new URL(response.url || url).origin !== api.origin) {
    await response.body?.cancel();
    throw new TogaiRedirectError(`${method} ${path} was answered by another origin; a token is taken only from ${api.origin}.`);
  }
  const text = await response.text();
  if (!response.ok) throw apiErrorFor({ ...where, body: text, headers: response.headers }, redact);
  const token = (parsedOr(text, undefined) as { token?: unknown } | null | undefined)?.token; // no JSON, no token
  if (typeof token !== 'string' || token.trim() !== token || token === '' || unsendableReason(token) !== undefined) {
    // Never quote the body: it may hold a token, usable or not.
    throw new TogaiResponseParseError(`${method} ${path} answered ${response.status} without a usable token.`, where);
  }
  return token;
}

/** A credential that holds an exchanged bearer token, obtaining and renewing it as needed. */
export function createExchangingCredential(longLived: Credential, send: Send, api: URL): Credential {
  let token: string | undefined;
  let renewAt = 0;
  let pending: Promise<void> | undefined;

  function obtain(): Promise<void> {
    pending ??= exchangeToken(send, api, longLived.secrets.redact)
      .then((fresh) => {
        longLived.secrets.add(fresh);
        const issuedAt = Date.now();
        const expiresAt = jwtExpiry(fresh) ?? issuedAt + defaultTokenLifetimeMs;
        token = fresh;
        renewAt = expiresAt - Math.min(renewalMarginMs, Math.max(0, expiresAt - issuedAt) * 0.1);
      })
      .finally(() => {
        pending = undefined;
      });
    // Every caller may give up waiting (its signal, its timeout); the exchange's own failure is then nobody's.
    pending.catch(() => undefined);
    return pending;
  }

  return {
    kind: 'bearer',
    secrets: longLived.secrets,
    async ready() {
      if (pending) await pending;
      else if (token === undefined || Date.now() >= renewAt) await obtain();
    },
    apply(headers) {
      // ready() ran before the attempt; without a token there is nothing better to send than nothing.
      headers.delete('x-api-key');
      if (token !== undefined) headers.set('Authorization', `Bearer ${token}`);
    },
    async renewAfterUnauthorized(sent) {
      const rejected = sent.get('authorization');
      // Another call may already be renewing (wait for it) or have renewed (the current token is new to this call).
      if (pending) await pending;
      else if (token === undefined || rejected === `Bearer ${token}`) {
        token = undefined;
        await obtain();
      }
      return token !== undefined && rejected !== `Bearer ${token}`;
    },
  };
}
