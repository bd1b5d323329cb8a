// The transport beneath openapi-fetch: attaches credentials (same origin only), follows redirects by hand, applies
// the per-attempt timeout and size cap, and retries with backoff when it is safe to resend. Each call hands it a
// context (openapi-fetch's per-request `fetch` is the hook): this call's settings and whether resending it is safe.
//
// Resend policy (money moves through writes): a request whose operation is idempotent (the spec's metadata: GET,
// PUT and DELETE unless marked otherwise, POSTs that change nothing) or whose body carries every idempotency key is
// resent after a 5xx, a timeout or a reset. Any other write is resent only when the server cannot have acted on it:
// a 429 to the request itself, or a connection refused before anything was sent. Once any hop of such a write has
// been answered (a redirect included), it is never sent again.
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
import { backoffMs, sleep } from '../core/timing.js';
import { BufferedResponse, declaredTooLarge, readBody } from './body.js';
import type { Credential } from './credential.js';
import { isFollowedRedirect, nextHop, type Hop } from './redirects.js';
import { retryAfterMs } from './retry-after.js';

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
}

export type Send = (request: Request, context: SendContext) => Promise<Response>;

interface TransportOptions extends Tuning {
  fetch: typeof globalThis.fetch;
  credential: Credential;
  /** Credentials are attached only to requests for this origin (the configured base URL). */
  credentialOrigin: string;
  log: Log;
  /** Injected for tests of the backoff schedule; defaults to Math.random. */
  random?: (() => number) | undefined;
}

const retryableStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);
/** Statuses whose Response must be built without a body. */
const nullBodyStatuses = new Set([204, 205, 304]);
/** Network errors that mean the request never left this machine, so even a POST may be resent. */
const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
/**
 * The server sent bytes that are not an HTTP response a client can take: llhttp's parse errors, undici's refusals of
 * a stray 1xx or of headers past its size limit, and the assertion undici fails on a status below 100 (000, 099).
 * Asking again would get the same answer.
 */
const protocolViolationCodes = new Set(['ERR_ASSERTION', 'UND_ERR_HEADERS_OVERFLOW']);

function abortError(signal: AbortSignal): TogaiAbortError {
  return new TogaiAbortError('The request was aborted by the caller.', { cause: signal.reason });
}

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isProtocolViolation(error: Error, code: string | undefined): boolean {
  if (code?.startsWith('HPE_') || protocolViolationCodes.has(code ?? '')) return true;
  const cause = (error as { cause?: { message?: unknown } }).cause;
  return code === 'UND_ERR_SOCKET' && (cause?.message === 'bad response' || cause?.message === 'bad upgrade');
}

/** Waits for `ready` (a token exchange), but no longer than the call's signal and timeout allow. */
async function untilReady(ready: Promise<void>, signal: AbortSignal, timeout: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  try {
    await Promise.race([
      ready,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TogaiTimeoutError(`No credential within ${timeout} ms: the token exchange is still running.`)), timeout);
        onAbort = () => reject(abortError(signal));
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/** What one attempt learned before it ended, however it ended. */
interface Progress {
  /** Some hop got an HTTP answer: the server has seen the request. */
  answered: boolean;
  /** Some hop was answered with a redirect that was followed. */
  redirected: boolean;
}

const pathOf = (url: string) => new URL(url).pathname;

export function createTransport(options: TransportOptions): Send {
  const random = options.random ?? Math.random;
  const { credential, log } = options;
  const redact = credential.secrets.redact;

  // Request URLs are normalized, so "same origin" is a prefix test (the trailing slash stops
  // https://api.togai.com.evil.example from matching). The scheme was checked once, at client creation.
  const credentialPrefix = `${options.credentialOrigin}/`;

  /** Reads the final response whole, within the size cap, and hands it back ready to read again. */
  async function buffered(response: Response, hop: Hop, maxResponseBytes: number, redirected: boolean): Promise<Response> {
    if (response.body === null) return response; // nothing to read: the response can go back as it is
    if (nullBodyStatuses.has(response.status)) {
      await response.body.cancel();
      return new BufferedResponse(null, response, hop.url, redirected);
    }
    const tooLarge = () =>
      new TogaiResponseTooLargeError(
        `The response to ${hop.method} ${pathOf(hop.url)} is larger than maxResponseBytes (${maxResponseBytes} bytes); it was not read further.`,
        { limit: maxResponseBytes, method: hop.method, path: pathOf(hop.url) },
      );
    let bytes: Uint8Array<ArrayBuffer>;
    if (!response.ok) {
      // An error keeps only the start of its body: enough for a message, never a flood held in memory.
      bytes = await readBody(response.body, Math.min(maxErrorBodyBytes, maxResponseBytes));
    } else if (declaredTooLarge(response.headers, maxResponseBytes)) {
      await response.body.cancel();
      throw tooLarge();
    } else {
      bytes = await readBody(response.body, maxResponseBytes, tooLarge);
    }
    return new BufferedResponse(bytes, response, hop.url, redirected);
  }

  /** One attempt, redirects included, with the whole body read inside the timeout. */
  async function attemptOnce(first: Hop, callerSignal: AbortSignal, tuning: Tuning, progress: Progress): Promise<Response> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, tuning.timeout);
    const onCallerAbort = () => controller.abort(callerSignal.reason);
    callerSignal.addEventListener('abort', onCallerAbort, { once: true });
    let hop = first;
    let visited: Set<string> | undefined; // made at the first redirect: most calls have none
    try {
      for (;;) {
        if (!hop.crossed && hop.url.startsWith(credentialPrefix)) credential.apply(hop.headers);
        const response = await options.fetch(hop.url, {
          method: hop.method,
          headers: hop.headers,
          body: hop.body ?? null,
          signal: controller.signal,
          redirect: 'manual',
        });
        progress.answered = true;
        if (response.type === 'opaqueredirect') {
          throw new TogaiRedirectError('The server answered with a redirect that this runtime cannot follow safely.');
        }
        if (response.status < 200 || response.status > 599) {
          await response.body?.cancel();
          const statusText = cleanServerText(response.statusText, redact, 100);
          throw new TogaiProtocolError(
            `${hop.method} ${pathOf(hop.url)} was answered with status ${response.status}${statusText ? ` "${statusText}"` : ''}, which is not an HTTP status from 200 to 599.`,
            { status: response.status, method: hop.method, path: pathOf(hop.url) },
          );
        }
        if (!isFollowedRedirect(response)) return await buffered(response, hop, tuning.maxResponseBytes, progress.redirected);
        await response.body?.cancel();
        progress.redirected = true;
        visited ??= new Set([`${first.method} ${first.url}`]);
        hop = nextHop(hop, response, visited, redact);
      }
    } catch (error) {
      if (callerSignal.aborted) throw abortError(callerSignal);
      if (timedOut) throw new TogaiTimeoutError(`No complete response within ${tuning.timeout} ms.`);
      if (error instanceof TogaiError || !(error instanceof Error)) throw error;
      const code = errorCode(error);
      if (isProtocolViolation(error, code)) {
        progress.answered = true;
        throw new TogaiProtocolError(`${hop.method} ${pathOf(hop.url)} was answered with bytes that are not a valid HTTP response (${code}).`, {
          method: hop.method,
          path: pathOf(hop.url),
          cause: error,
        });
      }
      // Name the host that failed when it is not the API's (a file download's storage host, a redirect's target).
      const target = hop.url.startsWith(credentialPrefix) ? 'the Togai API' : new URL(hop.url).host;
      throw new TogaiConnectionError(`Could not reach ${target}: ${cleanServerText(error.message, redact)}`, { cause: error, code });
    } finally {
      clearTimeout(timer);
      callerSignal.removeEventListener('abort', onCallerAbort);
    }
  }

  return async function send(request, context) {
    const tuning: Tuning = {
      maxRetries: context.tuning?.maxRetries ?? options.maxRetries,
      timeout: context.tuning?.timeout ?? options.timeout,
      maxRetryDelay: context.tuning?.maxRetryDelay ?? options.maxRetryDelay,
      maxResponseBytes: context.tuning?.maxResponseBytes ?? options.maxResponseBytes,
    };
    const callerSignal = request.signal;
    const label = `${request.method} ${pathOf(request.url)}`;
    // Every attempt resends these: the body is read once, so a retried body is intact. Only a redirect changes the
    // headers, and it works on a copy.
    const first: Hop = {
      url: request.url,
      method: request.method,
      headers: request.headers,
      body: request.body === null ? undefined : await request.arrayBuffer(),
      crossed: false,
    };
    const attempts = tuning.maxRetries + 1;

    /** Logs the attempt's outcome; pauses and resolves true when the request goes out again. */
    async function again(attempt: number, outcome: string, started: number, retry: string | null, reason: string, delayMs: number): Promise<boolean> {
      const took = `${outcome} in ${Math.round(performance.now() - started)} ms`;
      const retrying = retry !== null && attempt < attempts;
      const why = retry === null ? reason : attempt < attempts ? retry : `no retries left (${tuning.maxRetries})`;
      if (log.at('debug')) {
        const decision = retrying ? `retrying in ${Math.round(Math.min(delayMs, tuning.maxRetryDelay))} ms: ${why}` : why ? `final: ${why}` : 'final';
        log.write('debug', `${label} attempt ${attempt}/${attempts} → ${took}; ${decision}`, { method: request.method, path: pathOf(request.url), attempt, outcome, retry: retrying, reason: why });
      }
      if (!retrying) return false;
      log.write('warn', `${label} → ${outcome}; retrying (attempt ${attempt + 1} of ${attempts}): ${why}`, { method: request.method, path: pathOf(request.url), attempt });
      const pause = Math.min(delayMs, tuning.maxRetryDelay);
      if (pause > 0) await sleep(pause, callerSignal);
      if (callerSignal.aborted) throw abortError(callerSignal);
      return true;
    }

    let renewed = false;
    for (let attempt = 1; ; attempt += 1) {
      if (callerSignal.aborted) throw abortError(callerSignal);
      // A short-lived token is obtained (or renewed shortly before it expires) before the attempt leaves; the call's
      // own signal and timeout still apply while it waits.
      if (credential.ready && first.url.startsWith(credentialPrefix)) await untilReady(credential.ready(), callerSignal, tuning.timeout);
      const started = performance.now();
      const progress: Progress = { answered: false, redirected: false };
      let response: Response;
      try {
        response = await attemptOnce(first, callerSignal, tuning, progress);
      } catch (error) {
        const code = (error as { code?: string }).code;
        const neverSent = !progress.answered && !(error instanceof TogaiTimeoutError) && notSentCodes.has(code ?? '');
        const outcome = error instanceof TogaiError ? `${error.name}${code ? ` (${code})` : ''}` : 'error';
        const retry =
          !(error instanceof TogaiConnectionError) ? null
          : context.idempotent ? 'no complete response, and resending is safe'
          : neverSent ? `the connection was refused before sending (${code})`
          : null;
        const reason = error instanceof TogaiConnectionError && retry === null ? `a ${request.method} without idempotency key may have been applied` : '';
        if (await again(attempt, outcome, started, retry, reason, backoffMs(attempt - 1, 500, 8_000, random))) continue;
        throw error;
      }
      // A 401 to a short-lived token: renew it once and resend, outside the retry budget. The server refused
      // the request before acting on it, unless the 401 came from a redirect's target.
      if (response.status === 401 && credential.renewAfterUnauthorized && !renewed && (context.idempotent || !progress.redirected)) {
        renewed = true;
        if (await credential.renewAfterUnauthorized(first.headers)) {
          log.write('debug', `${label} attempt ${attempt} → 401; the short-lived token was renewed, resending once`, { method: request.method, path: pathOf(request.url), attempt });
          attempt -= 1;
          continue;
        }
      }
      const status = response.status;
      let retry: string | null = null;
      let reason = '';
      if (retryableStatuses.has(status)) {
        // A 429 says the server did not act on the request, but only when the request itself got it, not a hop.
        if (context.idempotent) retry = `${status} may pass later`;
        else if (status === 429 && !progress.redirected) retry = '429: the server did not act on it';
        else reason = `a ${request.method} without idempotency key may have been applied`;
      }
      const delay = retry ? (retryAfterMs(response.headers.get('retry-after')) ?? backoffMs(attempt - 1, 500, 8_000, random)) : 0;
      if (!(await again(attempt, String(status), started, retry, reason, delay))) return response;
    }
  };
}
