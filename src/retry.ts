// The transport beneath openapi-fetch's middleware: attaches credentials (same origin only), follows redirects
// by hand, applies the per-attempt timeout and retries with backoff when it is safe to resend.
//
// Resend policy (money moves through POST): GET, HEAD, OPTIONS, PUT and DELETE are retried freely.
// POST and PATCH are retried only when the server cannot have acted on them (429, or the connection was
// refused before anything was sent) or when the request carries an idempotency key.
import type { Credential } from './auth.js';
import { TogaiAbortError, TogaiConnectionError, TogaiError, TogaiTimeoutError } from './errors.js';

export const retryableStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);
const freelyRetriedMethods = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);
/** Network errors that mean the request never left this machine, so even a POST may be resent. */
const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
const maxRedirects = 5;

export const defaults = {
  maxRetries: 2,
  /** Per attempt, from sending the request to the last byte of the response. */
  timeout: 60_000,
  /** Longest pause between attempts, whatever `Retry-After` asks for. */
  maxRetryDelay: 30_000,
} as const;

/** Overrides for one call, attached to its Request by the client (see `callOptionsOf`). */
export interface CallOptions {
  maxRetries?: number | undefined;
  timeout?: number | undefined;
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

export function withCallOptions(request: Request, options: CallOptions): Request {
  const merged = { ...callOptionsOf(request), ...options };
  Object.defineProperty(request, callOptionsInitKey, { value: merged, enumerable: false, configurable: true });
  return request;
}

export interface TransportOptions {
  fetch: typeof globalThis.fetch;
  credential: Credential;
  /** Credentials are attached only to requests for this origin (the configured base URL). */
  credentialOrigin: string;
  maxRetries: number;
  timeout: number;
  maxRetryDelay?: number;
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

/** Parses `Retry-After` (delay-seconds or HTTP-date) into milliseconds; undefined when absent or unusable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
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

interface Attempt {
  url: string;
  method: string;
  headers: Headers;
  body: ArrayBuffer | undefined;
}

/** A redirect hop: credentials stay behind when it leaves the configured origin. */
function followRedirect(attempt: Attempt, response: Response, options: TransportOptions): Attempt {
  const location = response.headers.get('location');
  if (!location) throw new TogaiConnectionError(`Redirect ${response.status} without a Location header.`);
  const target = new URL(location, attempt.url);
  const headers = new Headers(attempt.headers);
  if (target.origin !== options.credentialOrigin) {
    headers.delete('authorization');
    headers.delete('x-api-key');
    headers.delete('cookie');
  }
  const becomesGet = response.status === 303 || ((response.status === 301 || response.status === 302) && attempt.method === 'POST');
  if (becomesGet) {
    headers.delete('content-type');
    headers.delete('content-length');
  }
  return {
    url: target.href,
    method: becomesGet && attempt.method !== 'HEAD' ? 'GET' : attempt.method,
    headers,
    body: becomesGet ? undefined : attempt.body,
  };
}

export function createTransport(options: TransportOptions): Transport {
  const random = options.random ?? Math.random;
  const maxRetryDelay = options.maxRetryDelay ?? defaults.maxRetryDelay;

  // Request URLs are normalized, so "same origin" is a prefix test (the trailing slash stops
  // https://api.togai.com.evil.example from matching). The scheme was checked once, at client creation.
  const credentialPrefix = `${options.credentialOrigin}/`;

  /** One attempt, redirects included, with the whole body read inside the timeout. */
  async function attemptOnce(first: Attempt, callerSignal: AbortSignal, timeout: number): Promise<Response> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeout);
    const onCallerAbort = () => controller.abort(callerSignal.reason);
    callerSignal.addEventListener('abort', onCallerAbort, { once: true });
    try {
      let attempt = first;
      for (let hop = 0; ; hop += 1) {
        if (attempt.url.startsWith(credentialPrefix)) options.credential.apply(attempt.headers);
        const response = await options.fetch(attempt.url, {
          method: attempt.method,
          headers: attempt.headers,
          body: attempt.body ?? null,
          signal: controller.signal,
          redirect: 'manual',
        });
        if (response.type === 'opaqueredirect') {
          throw new TogaiConnectionError('The server answered with a redirect that this runtime cannot follow safely.');
        }
        if (redirectStatuses.has(response.status) && response.headers.has('location')) {
          await response.body?.cancel();
          if (hop >= maxRedirects) throw new TogaiConnectionError(`More than ${maxRedirects} redirects.`);
          attempt = followRedirect(attempt, response, options);
          continue;
        }
        // Buffer the body so the timeout also covers a server that stalls mid-response, and so a
        // reset connection surfaces here, where it can be retried, instead of in the caller's parser.
        const body = nullBodyStatuses.has(response.status) ? null : await response.arrayBuffer();
        return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
      }
    } catch (error) {
      if (callerSignal.aborted) throw abortError(callerSignal);
      if (timedOut) throw new TogaiTimeoutError(`No complete response within ${timeout} ms.`);
      if (error instanceof TogaiError || !(error instanceof Error)) throw error;
      const connectionError = new TogaiConnectionError(`Could not reach the Togai API: ${error.message}`);
      (connectionError as { cause?: unknown }).cause = error;
      (connectionError as { code?: string }).code = errorCode(error);
      throw connectionError;
    } finally {
      clearTimeout(timer);
      callerSignal.removeEventListener('abort', onCallerAbort);
    }
  }

  return async function transport(input, init) {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const call = callOptionsOf(request) ?? {};
    const maxRetries = Math.max(0, call.maxRetries ?? options.maxRetries);
    const timeout = call.timeout ?? options.timeout;
    const mayResendAnyway = freelyRetriedMethods.has(request.method) || call.idempotent === true;
    const callerSignal = request.signal;
    // Every attempt resends these: the body is read once, so a retried POST body is intact. Only a redirect
    // changes the headers, and it works on a copy.
    const first: Attempt = {
      url: request.url,
      method: request.method,
      headers: request.headers,
      body: request.body === null ? undefined : await request.arrayBuffer(),
    };

    for (let retry = 0; ; retry += 1) {
      if (callerSignal.aborted) throw abortError(callerSignal);
      let response: Response;
      try {
        response = await attemptOnce(first, callerSignal, timeout);
      } catch (error) {
        const neverSent = notSentCodes.has((error as { code?: string }).code ?? '');
        const canRetry =
          retry < maxRetries &&
          error instanceof TogaiConnectionError &&
          (mayResendAnyway || (neverSent && !(error instanceof TogaiTimeoutError)));
        if (!canRetry) throw error;
        await sleep(backoffMs(retry, random), callerSignal);
        continue;
      }
      const canRetry =
        retry < maxRetries && retryableStatuses.has(response.status) && (mayResendAnyway || response.status === 429);
      if (!canRetry) return response;
      const asked = retryAfterMs(response.headers.get('retry-after'));
      await sleep(Math.min(asked ?? backoffMs(retry, random), maxRetryDelay), callerSignal);
    }
  };
}
