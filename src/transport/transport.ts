// The transport beneath openapi-fetch: attaches credentials (same origin only), follows redirects by hand, applies
// the per-attempt timeout and size cap, and retries with backoff when it is safe to resend. Each call hands it a
// context (openapi-fetch's per-request `fetch` is the hook): this call's settings and whether resending it is safe.
// Resend policy (money moves through writes): a request whose operation is idempotent (the spec's metadata: GET, PUT
// and DELETE unless marked otherwise, POSTs that change nothing) or whose body carries every idempotency key is resent
// after a 5xx, a timeout or a reset. Any other write is resent only when the server cannot have acted on it (a 429 to
// the request itself, a connection refused before sending); once any of its hops was answered, it is never resent.
import {
  TogaiAbortError,
  TogaiConnectionError,
  TogaiError,
  TogaiProtocolError,
  TogaiRedirectError,
  TogaiResponseTooLargeError,
  TogaiTimeoutError,
} from '../core/errors.js';
import { maxErrorBodyBytes } from '../core/api-errors.js';
import type { Log } from '../core/logging.js';
import { cleanServerText } from '../core/redaction.js';
import { backoffMs, retryAfterMs, sleep } from '../core/timing.js';
import { BufferedResponse, declaredTooLarge, declaredWithin, readBody } from './body.js';
import type { Credential } from './credential.js';
import { isFollowedRedirect, nextHop, type Hop } from './redirects.js';

/** The numeric settings a client and a single call share. */
export interface Tuning {
  /** Retries after the first attempt, when it is safe to resend. */
  maxRetries: number;
  /** Milliseconds per attempt, from sending to the last byte of the response. */
  timeout: number;
  /** Longest pause between attempts in milliseconds, whatever `Retry-After` or the backoff asks for. */
  maxRetryDelay: number;
  /** Largest response body accepted, in bytes after decompression. */
  maxResponseBytes: number;
}

/** What one call tells the transport beside its Request. */
interface SendContext {
  /** A second request cannot apply it twice: resent after a 5xx, a timeout or a reset. */
  idempotent: boolean;
  /** This call's own settings, over the client's (range-checked where the call was made). */
  tuning?: Partial<Tuning> | undefined;
  /** The caller's signal, when there is one: it stops the call and every further attempt. */
  signal?: AbortSignal | undefined;
}

export type Send = (request: Request, context: SendContext) => Promise<Response>;

interface TransportOptions extends Tuning {
  fetch: typeof globalThis.fetch;
  credential: Credential;
  /** Credentials are attached only to requests for this origin (the configured base URL). */
  credentialOrigin: string;
  log: Log;
}

const retryableStatuses = new Set([408, 429, 500, 502, 503, 504]);
/** Statuses whose Response must be built without a body. */
const nullBodyStatuses = new Set([204, 205, 304]);
/** Network errors that mean the request never left this machine, so even a POST may be resent. */
const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
// Bytes that are not an HTTP response a client can take (asking again gets the same): llhttp's parse errors (HPE_),
// undici's refusal of a stray 1xx or oversized headers, and its failed assertion on a status below 100 (000, 099).
// Node 22 and later report two different Content-Lengths as UND_ERR_RES_CONTENT_LENGTH_MISMATCH (20: HPE_*).
const protocolViolationCodes = new Set(['ERR_ASSERTION', 'UND_ERR_HEADERS_OVERFLOW', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH']);

const abortError = ({ reason }: AbortSignal) => new TogaiAbortError('The request was aborted by the caller.', { cause: reason });

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isProtocolViolation(error: unknown, code = ''): boolean {
  if (code.startsWith('HPE_') || protocolViolationCodes.has(code)) return true;
  const cause = (error as { cause?: { message?: unknown; name?: unknown } } | null)?.cause;
  // Node 24's undici throws its HTTPParserError without a code.
  if (cause?.name === 'HTTPParserError') return true;
  return code === 'UND_ERR_SOCKET' && (cause?.message === 'bad response' || cause?.message === 'bad upgrade');
}

/** Waits for `pending` (a token exchange, or a renewal), but no longer than the call's signal and timeout allow. */
function within<T>(pending: Promise<T>, signal: AbortSignal | undefined, timeout: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = () => finish(() => reject(abortError(signal!)));
    const timer = setTimeout(() => finish(() => reject(new TogaiTimeoutError(`No credential within ${timeout} ms: the token exchange is still running.`))), timeout);
    signal?.addEventListener('abort', onAbort, { once: true });
    pending.then((value) => finish(() => resolve(value)), (error: unknown) => finish(() => reject(error)));
  });
}

// What one attempt learned, however it ended: some hop got an HTTP answer (the server has seen the request), some hop
// was a redirect that was followed.
interface Progress { answered: boolean; redirected: boolean }

export function createTransport(options: TransportOptions): Send {
  const { fetch, credential, credentialOrigin, log, ...defaults } = options;
  const redact = credential.secrets.redact;
  // Request URLs are normalized, so "same origin" is a prefix test (the trailing slash stops
  // https://api.togai.com.evil.example from matching). The scheme was checked once, at client creation.
  const credentialPrefix = `${credentialOrigin}/`;
  // Where a hop went, for messages and log lines: a redirect's target is the server's text, so it is redacted.
  const pathOf = (url: string) => redact(new URL(url).pathname);

  /** Reads the final response whole, within the size cap, and hands it back ready to read again. */
  async function buffered(response: Response, hop: Hop, limit: number, redirected: boolean): Promise<Response> {
    const { body } = response;
    if (body === null) return response; // nothing to read: the response can go back as it is
    let bytes: Uint8Array<ArrayBuffer> | null = null;
    const tooLarge = () =>
      new TogaiResponseTooLargeError(
        `The response to ${hop.method} ${pathOf(hop.url)} is larger than maxResponseBytes (${limit} bytes); it was not read further.`,
        { limit, method: hop.method, path: pathOf(hop.url) },
      );
    if (nullBodyStatuses.has(response.status)) await body.cancel();
    // An error keeps only the start of its body: enough for a message, never a flood held in memory.
    else if (!response.ok) bytes = await readBody(body, Math.min(maxErrorBodyBytes, limit));
    else if (declaredWithin(response.headers, limit)) bytes = new Uint8Array(await response.arrayBuffer());
    else if (!declaredTooLarge(response.headers, limit)) bytes = await readBody(body, limit, tooLarge);
    else {
      await body.cancel();
      throw tooLarge();
    }
    return new BufferedResponse(bytes, response, hop.url, redirected);
  }

  /** One attempt, redirects included, with the whole body read inside the timeout. */
  async function attemptOnce(first: Hop, callerSignal: AbortSignal | undefined, tuning: Tuning, progress: Progress): Promise<Response> {
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, tuning.timeout);
    const onCallerAbort = () => abort.abort(callerSignal!.reason);
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    let hop = first;
    let visited: Set<string> | undefined; // made at the first redirect: most calls have none
    try {
      for (;;) {
        if (!hop.crossed && hop.url.startsWith(credentialPrefix)) credential.apply(hop.headers);
        const { method, headers, body, url } = hop;
        const init = { method, headers, body: body ?? null, signal: abort.signal, redirect: 'manual' as const };
        const response = await fetch(url, init);
        progress.answered = true;
        if (response.type === 'opaqueredirect') {
          throw new TogaiRedirectError('The server answered with a redirect that this runtime cannot follow safely.');
        }
        const { status } = response;
        if (status < 200 || status > 599) {
          await response.body?.cancel();
          const text = cleanServerText(response.statusText, redact, 100);
          throw new TogaiProtocolError(
            `${method} ${pathOf(url)} was answered with status ${status}${text ? ` "${text}"` : ''}, which is not an HTTP status from 200 to 599.`,
            { status, method, path: pathOf(url) },
          );
        }
        if (!isFollowedRedirect(response)) return await buffered(response, hop, tuning.maxResponseBytes, progress.redirected);
        await response.body?.cancel();
        progress.redirected = true;
        visited ??= new Set([`${first.method} ${first.url}`]);
        hop = nextHop(hop, response, visited, redact);
      }
    } catch (error) {
      if (callerSignal?.aborted) throw abortError(callerSignal);
      if (timedOut) throw new TogaiTimeoutError(`No complete response within ${tuning.timeout} ms.`);
      // What fetch threw is read by its shape: an Error of another realm (a jsdom environment) is not `instanceof Error`.
      if (error instanceof TogaiError) throw error;
      const code = errorCode(error);
      const { method, url } = hop;
      if (isProtocolViolation(error, code)) {
        progress.answered = true;
        const path = pathOf(url);
        // No cause: the parser's error carries the bytes it stopped at (`data`), which may echo anything.
        throw new TogaiProtocolError(`${method} ${path} was answered with bytes that are not a valid HTTP response (${code ?? 'HTTPParserError'}).`, { method, path });
      }
      // Name the host that failed when it is not the API's (a storage host, a redirect's target): the server chose it, so it
      // is redacted, and the cause, which repeats it (getaddrinfo ENOTFOUND <host>), is not kept.
      const [own, text] = [url.startsWith(credentialPrefix), cleanServerText(String((error as Error | null)?.message ?? error), redact)];
      throw new TogaiConnectionError(`Could not reach ${own ? 'the Togai API' : redact(new URL(url).host)}: ${text}`, own ? { cause: error, code } : { code });
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }
  }

  return async function send(request, context) {
    const tuning: Tuning = { ...defaults, ...context.tuning };
    const { method, url } = request;
    // The caller's signal comes in the context: the Request carries none (call.ts keeps it off the Request).
    const { signal } = context;
    // For log lines only (parsing the URL is not free).
    const where = (attempt: number) => ({ method, path: pathOf(url), attempt });
    const label = () => `${method} ${pathOf(url)}`;
    // Every attempt resends these: the body is read once, so a retried body is intact. Only a redirect changes the
    // headers, and it works on a copy.
    const body = request.body === null ? undefined : await request.arrayBuffer();
    const first: Hop = { url, method, headers: request.headers, body, crossed: false };
    const attempts = tuning.maxRetries + 1;

    /**
     * Logs the attempt's outcome and why it is resent (`retry`) or not (`unsafe`: the failure may pass, but a resend
     * may apply the request twice); pauses and resolves true to resend.
     */
    async function again(attempt: number, outcome: string, retry: string | false, unsafe: boolean, delay: number) {
      const retrying = !!retry && attempt < attempts;
      const unapplied = unsafe ? `a ${method} without idempotency key may have been applied` : '';
      const why = retry ? (retrying ? retry : `no retries left (${tuning.maxRetries})`) : unapplied;
      const pause = Math.min(delay, tuning.maxRetryDelay);
      if (log.at('debug')) {
        const took = `${outcome} in ${Math.round(performance.now() - started)} ms`;
        const decision = retrying ? `retrying in ${Math.round(pause)} ms: ${why}` : why ? `final: ${why}` : 'final';
        const details = { ...where(attempt), outcome, retry: retrying, reason: why };
        log.write('debug', `${label()} attempt ${attempt}/${attempts} → ${took}; ${decision}`, details);
      }
      if (!retrying) return false;
      log.write('warn', `${label()} → ${outcome}; retrying (attempt ${attempt + 1} of ${attempts}): ${why}`, where(attempt));
      if (pause > 0) await sleep(pause, signal);
      if (signal?.aborted) throw abortError(signal);
      return true;
    }

    let renewed = false;
    let started = 0;
    for (let attempt = 1; ; attempt += 1) {
      if (signal?.aborted) throw abortError(signal);
      // A short-lived token is obtained (or renewed shortly before it expires) before the attempt leaves; the call's
      // own signal and timeout still apply while it waits.
      if (credential.ready && url.startsWith(credentialPrefix)) await within(credential.ready(), signal, tuning.timeout);
      if (log.at('debug')) started = performance.now();
      const progress: Progress = { answered: false, redirected: false };
      let response: Response;
      try {
        response = await attemptOnce(first, signal, tuning, progress);
      } catch (error) {
        const code = (error as { code?: string }).code;
        const outcome = error instanceof TogaiError ? `${error.name}${code ? ` (${code})` : ''}` : 'error';
        const connection = error instanceof TogaiConnectionError;
        const neverSent = !progress.answered && !(error instanceof TogaiTimeoutError) && notSentCodes.has(code ?? '');
        const refused = neverSent && `the connection was refused before sending (${code})`;
        const retry = connection && (context.idempotent ? 'no complete response, and resending is safe' : refused);
        if (await again(attempt, outcome, retry, connection, connection ? backoffMs(attempt - 1, 500, 8_000) : 0)) continue;
        throw error;
      }
      // A 401 to a short-lived token: renew it once (within the call's signal and timeout) and resend, outside the
      // retry budget. The server refused the request before acting on it, unless the 401 came from a redirect's target.
      const { status } = response;
      if (status === 401 && credential.renewAfterUnauthorized && !renewed && (context.idempotent || !progress.redirected)) {
        renewed = true;
        if (await within(credential.renewAfterUnauthorized(first.headers), signal, tuning.timeout)) {
          log.write('debug', `${label()} attempt ${attempt} → 401; the short-lived token was renewed, resending once`, where(attempt));
          attempt -= 1;
          continue;
        }
      }
      // A 429 says the server did not act on the request, but only when the request itself got it, not a hop.
      const retryable = retryableStatuses.has(status);
      const notActed = status === 429 && !progress.redirected && '429: the server did not act on it';
      const retry = retryable && (context.idempotent ? `${status} may pass later` : notActed);
      const delay = retry ? (retryAfterMs(response.headers.get('retry-after')) ?? backoffMs(attempt - 1, 500, 8_000)) : 0;
      if (!(await again(attempt, String(status), retry, retryable, delay))) return response;
    }
  };
}
