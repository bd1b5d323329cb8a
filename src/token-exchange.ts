// Short-lived tokens (`shortLivedToken: true`): the client trades its long-lived credential for a bearer token at
// `POST /authenticate` and sends that instead. One exchange serves every concurrent call; the token is renewed
// shortly before it expires, or once after a 401. Neither secret is ever put into a message.
import type { Credential } from './auth.js';
import { apiErrorFor, parseErrorBody, TogaiResponseParseError } from './errors.js';
import { unsendableReason } from './headers.js';
import { createRedactor, noRedaction, type Redactor } from './redaction.js';
import { callOptionsInitKey, type CallOptions, type Transport } from './retry.js';

/** Togai's tokens live 24 hours; used when the token does not say when it expires. */
export const defaultTokenLifetimeMs = 24 * 60 * 60 * 1000;
/** Renew this long before expiry (or at 90% of a shorter lifetime), so a call never leaves with a dying token. */
const renewalMarginMs = 5 * 60 * 1000;

/** The `exp` claim of a JWT in milliseconds, or undefined when the token is not a readable JWT. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof json.exp === 'number' && Number.isFinite(json.exp) ? json.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export interface TokenExchangeOptions {
  /** Performs `POST /authenticate` with the long-lived credential; resolves to the new token. */
  exchange: () => Promise<string>;
  now?: () => number;
}

/** A credential that holds an exchanged bearer token, obtaining and renewing it as needed. */
export function createExchangingCredential(longLived: Credential, { exchange, now = Date.now }: TokenExchangeOptions): Credential {
  let token: string | undefined;
  let renewAt = 0;
  let pending: Promise<void> | undefined;
  const issued: string[] = []; // every token this client held, blotted out of error text like the long-lived secret
  let redactIssued: Redactor = noRedaction;

  function obtain(): Promise<void> {
    pending ??= exchange()
      .then((fresh) => {
        issued.push(fresh);
        redactIssued = createRedactor(issued);
        const issuedAt = now();
        const expiresAt = jwtExpiry(fresh) ?? issuedAt + defaultTokenLifetimeMs;
        const lifetime = Math.max(0, expiresAt - issuedAt);
        token = fresh;
        renewAt = expiresAt - Math.min(renewalMarginMs, lifetime * 0.1);
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  }

  return {
    kind: 'bearer',
    async ready() {
      if (token === undefined || now() >= renewAt) await obtain();
    },
    apply(headers) {
      // ready() ran before the first attempt; without a token there is nothing better to send than nothing.
      headers.delete('x-api-key');
      if (token !== undefined) headers.set('Authorization', `Bearer ${token}`);
    },
    async renewAfterUnauthorized(sent) {
      // Renew only if the rejected token is still the current one; another call may have renewed it already.
      if (token !== undefined && sent.get('authorization') === `Bearer ${token}`) {
        token = undefined;
        await obtain();
      }
      return token !== undefined;
    },
    redact: (text) => redactIssued(longLived.redact(text)),
  };
}

const exchangePath = '/authenticate';

/** `POST /authenticate` with the long-lived credential, through a transport of its own (retries, timeout, cap). */
export async function exchangeToken(send: Transport, apiBase: string): Promise<string> {
  // The exchange changes nothing on the server, so it is resent like a GET when it fails.
  const request = new Request(`${apiBase}${exchangePath}`, { method: 'POST', headers: { accept: 'application/json' } });
  const resendable: CallOptions = { idempotent: true };
  Object.defineProperty(request, callOptionsInitKey, { value: resendable });
  const response = await send(request);
  const text = await response.text();
  if (!response.ok) {
    throw apiErrorFor({ status: response.status, body: parseErrorBody(text), headers: response.headers, method: 'POST', path: exchangePath });
  }
  let token: unknown;
  try {
    token = (JSON.parse(text) as { token?: unknown }).token;
  } catch {
    token = undefined;
  }
  if (typeof token !== 'string' || token.trim() === '' || unsendableReason(token) !== undefined) {
    // Never quote the body: it may hold a token, usable or not.
    throw new TogaiResponseParseError(`POST ${exchangePath} answered ${response.status} without a usable token.`, response.status, 'POST', exchangePath);
  }
  return token;
}
