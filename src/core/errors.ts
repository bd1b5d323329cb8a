// Every error this SDK throws is a TogaiError, built one way: `new SomeError(message, details)`, where `details`
// holds the error's own fields and, where there is one, the `cause`. API errors have one class per status, so
// callers can `catch (e) { if (e instanceof NotFoundError) ... }` without comparing numbers.
import type { ErrorResponse } from '../../generated/models.js';

/** What every TogaiError may carry besides its message. */
export interface ErrorDetails {
  /** The lower-level failure, for debugging; never in the message or `toJSON()`, since it may quote anything. */
  cause?: unknown;
  /**
   * A keyed write that failed (a purchase, a custom invoice, credit grants, events): the idempotency keys it was sent
   * with, by body path (`idempotencyKey`, `creditRequests[0].idempotencyKey`, `event.id`). Resend the same request
   * with these keys and Togai applies it at most once.
   */
  idempotencyKeys?: Readonly<Record<string, string>> | undefined;
}

export class TogaiError extends Error {
  override name = 'TogaiError';
  declare readonly idempotencyKeys?: Readonly<Record<string, string>>;

  /** `details`: an ErrorDetails, plus the fields of the subclass. */
  constructor(message: string, details: ErrorDetails | object = {}) {
    super(message, 'cause' in details ? { cause: details.cause } : undefined);
    for (const [key, value] of Object.entries(details)) {
      if (key !== 'cause') Object.defineProperty(this, key, { value, enumerable: true, configurable: true });
    }
  }

  /** What a log gets: name, message and the error's own fields. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, ...(this as object) };
  }
}

/** Input that can never be a valid request; raised before anything is sent. */
export class TogaiValidationError extends TogaiError {
  override name = 'TogaiValidationError';
}

/** Client options that cannot work (no credential, insecure or malformed base URL, ...). */
export class TogaiConfigurationError extends TogaiError {
  override name = 'TogaiConfigurationError';
}

/** The operation does not exist in the path variant this client uses. */
export class TogaiVariantError extends TogaiError {
  override name = 'TogaiVariantError';
}

/** The request never produced an HTTP response (DNS, refused, reset, TLS, ...). */
export class TogaiConnectionError extends TogaiError {
  override name = 'TogaiConnectionError';
  /** The network error's code (`ECONNREFUSED`, `UND_ERR_SOCKET`, ...), when it had one. */
  declare readonly code?: string;
  constructor(message: string, details: ErrorDetails & { code?: string | undefined } = {}) {
    super(message, details);
  }
}

/** No complete response within the configured timeout. */
export class TogaiTimeoutError extends TogaiConnectionError {
  override name = 'TogaiTimeoutError';
}

/** The caller's AbortSignal fired. */
export class TogaiAbortError extends TogaiError {
  override name = 'TogaiAbortError';
}

interface ResponseDetails extends ErrorDetails { method: string; path: string }

/** A successful status whose body is not what the operation promises (not JSON, empty, a malformed page). */
export class TogaiResponseParseError extends TogaiError {
  override name = 'TogaiResponseParseError';
  declare readonly status: number;
  declare readonly method: string;
  declare readonly path: string;
  constructor(message: string, details: ResponseDetails & { status: number }) {
    super(message, details);
  }
}

/** A redirect this client will not follow: a loop, too many hops, or a target it refuses. Never retried. */
export class TogaiRedirectError extends TogaiError {
  override name = 'TogaiRedirectError';
}

/** The response body grew past `maxResponseBytes` (counted after decompression); the rest was not read. */
export class TogaiResponseTooLargeError extends TogaiError {
  override name = 'TogaiResponseTooLargeError';
  /** The cap it passed, in bytes. */
  declare readonly limit: number;
  declare readonly method: string;
  declare readonly path: string;
  constructor(message: string, details: ResponseDetails & { limit: number }) {
    super(message, details);
  }
}

/** The server answered, but not with HTTP a client can use (a status outside 200–599, bytes that are not HTTP). Never retried. */
export class TogaiProtocolError extends TogaiError {
  override name = 'TogaiProtocolError';
  /** The status line's code, when there was one. */
  declare readonly status?: number;
  declare readonly method: string;
  declare readonly path: string;
  constructor(message: string, details: ResponseDetails & { status?: number | undefined }) {
    super(message, { status: undefined, ...details });
  }
}

/** A list the API pages through misbehaves (a page token seen before), or there is no next page to get. */
export class TogaiPaginationError extends TogaiError {
  override name = 'TogaiPaginationError';
}

/** One reason a validating mock (Prism) gave for rejecting a request, from its `sl-violations` header. */
export interface RequestViolation {
  /** Where in the request, e.g. `['request', 'body']` or `['request', 'query', 'pagesize']`. */
  location: string[];
  severity: string;
  code: string | number;
  message: string;
}

/** The fields of an API error; `apiErrorFor` makes the message and the redacted copies. */
export interface ApiErrorDetails extends ResponseDetails {
  status: number;
  /** Parsed `ErrorResponse` when the body was JSON; the raw text otherwise (e.g. a proxy's HTML page). */
  body: ErrorResponse | string | undefined;
  headers: Headers;
  requestId: string | undefined;
  /** Why a validating mock (Prism, `npm run mock`) rejected the request: its `sl-violations` header, parsed. */
  violations: RequestViolation[] | undefined;
}

/** A non-2xx answer from the API. */
export class TogaiApiError extends TogaiError {
  override name = 'TogaiApiError';
  declare readonly status: number;
  declare readonly body: ErrorResponse | string | undefined;
  declare readonly headers: Headers;
  declare readonly requestId: string | undefined;
  declare readonly method: string;
  declare readonly path: string;
  declare readonly violations: RequestViolation[] | undefined;
  constructor(message: string, details: ApiErrorDetails) {
    super(message, details);
    // Headers are for reading in code; in JSON they would print as {}.
    Object.defineProperty(this, 'headers', { value: details.headers, enumerable: false });
  }

  /** The `message` of Togai's `ErrorResponse`, when there was one. */
  get apiMessage(): string | undefined {
    return typeof this.body === 'object' && typeof this.body?.message === 'string' ? this.body.message : undefined;
  }
}

export class BadRequestError extends TogaiApiError {
  override name = 'BadRequestError';
}
export class AuthenticationError extends TogaiApiError {
  override name = 'AuthenticationError';
}
export class PermissionDeniedError extends TogaiApiError {
  override name = 'PermissionDeniedError';
}
export class NotFoundError extends TogaiApiError {
  override name = 'NotFoundError';
}
export class RateLimitError extends TogaiApiError {
  override name = 'RateLimitError';
}
export class InternalServerError extends TogaiApiError {
  override name = 'InternalServerError';
}
