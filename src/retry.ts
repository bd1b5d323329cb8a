// The transport beneath openapi-fetch's middleware: attaches credentials (same origin only), follows redirects
// by hand, applies the per-attempt timeout and size cap, and retries with backoff when it is safe to resend.
//
// Resend policy (money moves through POST): GET, HEAD, OPTIONS, PUT and DELETE are retried freely.
// POST and PATCH are retried only when the server cannot have acted on them (a 429 to the request itself, or
// the connection was refused before anything was sent) or when the request carries an idempotency key. Once
// any hop of a POST or PATCH has been answered (a redirect included), the original is never sent again.
import type { Credential } from './auth.js';
import {
  TogaiAbortError,
  TogaiConnectionError,
  TogaiError,
  TogaiProtocolError,
  TogaiRedirectError,
  TogaiResponseTooLargeError,
  TogaiTimeoutError,
} from './errors.js';
import type { Tuning } from './options.js';
import { BufferedResponse } from './buffered-response.js';
import { cleanServerText, rememberRedactor } from './redaction.js';
import { isFollowedRedirect, nextHop, type Hop } from './redirects.js';
import { declaredTooLarge, maxErrorBodyBytes, readBody } from './response-body.js';
import { retryAfterMs } from './retry-after.js';

export const retryableStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);
const freelyRetriedMethods = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
/** Statuses whose Response must be built without a body. */
const nullBodyStatuses = new Set([204, 205, 304]);
/** Network errors that mean the request never left this machine, so even a POST may be resent. */
const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/** Overrides for one call, attached to its Request by the raw-api guard (see `callOptionsOf`). */
export interface CallOptions extends Partial<Tuning> {
  /** The request carries an idempotency key, so resending it cannot apply it twice. */
  idempotent?: boolean | undefined;
}

/**
 * openapi-fetch copies unknown (string) init keys onto the Request it builds; this is how per-call options
 * travel from a call, through the middleware, to the transport.
 */
export const callOptionsInitKey = 'togaiCallOptions';

export function callOptionsOf(request: Request): CallOptions | undefined {
  return (request as unknown as Record<string, CallOptions | undefined>)[callOptionsInitKey];
}

export interface TransportOptions extends Tuning {
  fetch: typeof globalThis.fetch;
  credential: Credential;
  /** Credentials are attached only to requests for this origin (the configured base URL). */
  credentialOrigin: string;
  /** Injected for tests of the backoff schedule; defaults to Math.random. */
  random?: () => number;
}

export type Transport = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

/** Waits `ms`, or rejects as soon as `signal` aborts; never leaves a timer behind. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(signal: AbortSignal): TogaiAbortError {
  const error = new TogaiAbortError('The request was aborted by the caller.');
  (error as { cause?: unknown }).cause = signal.reason;
  return error;
}

function backoffMs(retry: number, random: () => number): number {
  const base = Math.min(500 * 2 ** retry, 8_000);
  return base * (1 - 0.25 * random()); // jitter keeps many clients from retrying in lockstep
}

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The server sent bytes that are not an HTTP response a client can take: llhttp's parse errors, undici's
 * refusals of a stray 1xx or of headers past its size limit, and the assertion undici fails on a status below
 * 100 (000, 099). Asking again would get the same answer.
 */
const protocolViolationCodes = new Set(['ERR_ASSERTION', 'UND_ERR_HEADERS_OVERFLOW']);

function isProtocolViolation(error: Error, code: string | undefined): boolean {
  if (code?.startsWith('HPE_') || protocolViolationCodes.has(code ?? '')) return true;
  const cause = (error as { cause?: { message?: unknown } }).cause;
  return code === 'UND_ERR_SOCKET' && (cause?.message === 'bad response' || cause?.message === 'bad upgrade');
}

/** What one attempt learned before it ended, however it ended. */
interface Progress {
  /** Some hop got an HTTP answer: the server has seen the request. */
  answered: boolean;
  /** Some hop was answered with a redirect that was followed. */
  redirected: boolean;
}

const pathOf = (url: string) => new URL(url).pathname;

export function createTransport(options: TransportOptions): Transport {
  const random = options.random ?? Math.random;
  const { credential } = options;

  // Request URLs are normalized, so "same origin" is a prefix test (the trailing slash stops
  // https://api.togai.com.evil.example from matching). The scheme was checked once, at client creation.
  const credentialPrefix = `${options.credentialOrigin}/`;

  /** Reads the final response whole, within the size cap, and hands it back ready to read again. */
  async function buffered(response: Response, hop: Hop, maxResponseBytes: number, redirected: boolean): Promise<Response> {
    let result: Response;
    if (response.body === null) {
      result = response; // nothing to read: the response can go back as it is
    } else if (nullBodyStatuses.has(response.status)) {
      await response.body.cancel();
      result = new BufferedResponse(null, response, hop.url, redirected);
    } else {
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
      result = new BufferedResponse(bytes, response, hop.url, redirected);
    }
    // Only an error status becomes an API error whose message may quote the server.
    if (!result.ok) rememberRedactor(result.headers, credential.redact);
    return result;
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
          const statusText = cleanServerText(response.statusText, credential.redact, 100);
          throw new TogaiProtocolError(
            `${hop.method} ${pathOf(hop.url)} was answered with status ${response.status}${statusText ? ` "${statusText}"` : ''}, which is not an HTTP status from 200 to 599.`,
            { status: response.status, method: hop.method, path: pathOf(hop.url) },
          );
        }
        if (!isFollowedRedirect(response)) return await buffered(response, hop, tuning.maxResponseBytes, progress.redirected);
        await response.body?.cancel();
        progress.redirected = true;
        visited ??= new Set([`${first.method} ${first.url}`]);
        hop = nextHop(hop, response, visited, credential.redact);
      }
    } catch (error) {
      if (callerSignal.aborted) throw abortError(callerSignal);
      if (timedOut) throw new TogaiTimeoutError(`No complete response within ${tuning.timeout} ms.`);
      if (error instanceof TogaiError || !(error instanceof Error)) throw error;
      const code = errorCode(error);
      if (isProtocolViolation(error, code)) {
        progress.answered = true;
        const violation = new TogaiProtocolError(
          `${hop.method} ${pathOf(hop.url)} was answered with bytes that are not a valid HTTP response (${code}).`,
          { method: hop.method, path: pathOf(hop.url) },
        );
        (violation as { cause?: unknown }).cause = error;
        throw violation;
      }
      const connectionError = new TogaiConnectionError(
        `Could not reach the Togai API: ${cleanServerText(error.message, credential.redact)}`,
      );
      (connectionError as { cause?: unknown }).cause = error;
      (connectionError as { code?: string }).code = code;
      throw connectionError;
    } finally {
      clearTimeout(timer);
      callerSignal.removeEventListener('abort', onCallerAbort);
    }
  }

  return async function transport(input, init) {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const call = callOptionsOf(request);
    // Per-call values were range-checked where the call was made (raw-api.ts), the client's at creation.
    const tuning: Tuning = {
      maxRetries: call?.maxRetries ?? options.maxRetries,
      timeout: call?.timeout ?? options.timeout,
      maxRetryDelay: call?.maxRetryDelay ?? options.maxRetryDelay,
      maxResponseBytes: call?.maxResponseBytes ?? options.maxResponseBytes,
    };
    const mayResendAnyway = freelyRetriedMethods.has(request.method) || call?.idempotent === true;
    const callerSignal = request.signal;
    // Every attempt resends these: the body is read once, so a retried POST body is intact. Only a redirect
    // changes the headers, and it works on a copy.
    const first: Hop = {
      url: request.url,
      method: request.method,
      headers: request.headers,
      body: request.body === null ? undefined : await request.arrayBuffer(),
      crossed: false,
    };
    /** Every pause, Retry-After or backoff, is capped by maxRetryDelay (0: retry at once). */
    const pause = (ms: number) => {
      const capped = Math.min(ms, tuning.maxRetryDelay);
      return capped > 0 ? sleep(capped, callerSignal) : undefined;
    };

    let renewed = false;
    for (let retry = 0; ; retry += 1) {
      if (callerSignal.aborted) throw abortError(callerSignal);
      // A short-lived token is obtained (or renewed shortly before it expires) before the attempt leaves.
      if (credential.ready && first.url.startsWith(credentialPrefix)) await credential.ready();
      const progress: Progress = { answered: false, redirected: false };
      let response: Response;
      try {
        response = await attemptOnce(first, callerSignal, tuning, progress);
      } catch (error) {
        const neverSent =
          !progress.answered &&
          !(error instanceof TogaiTimeoutError) &&
          notSentCodes.has((error as { code?: string }).code ?? '');
        const canRetry = retry < tuning.maxRetries && error instanceof TogaiConnectionError && (mayResendAnyway || neverSent);
        if (!canRetry) throw error;
        await pause(backoffMs(retry, random));
        continue;
      }
      // A 401 to a short-lived token: renew it once and resend, outside the retry budget. The server refused
      // the request before acting on it, unless the 401 came from a redirect's target.
      if (response.status === 401 && credential.renewAfterUnauthorized && !renewed && (mayResendAnyway || !progress.redirected)) {
        renewed = true;
        if (await credential.renewAfterUnauthorized(first.headers)) {
          retry -= 1;
          continue;
        }
      }
      // A 429 says the server did not act on the request, but only when the request itself got it, not a hop.
      const canRetry =
        retry < tuning.maxRetries &&
        retryableStatuses.has(response.status) &&
        (mayResendAnyway || (response.status === 429 && !progress.redirected));
      if (!canRetry) return response;
      await pause(retryAfterMs(response.headers.get('retry-after')) ?? backoffMs(retry, random));
    }
  };
}
