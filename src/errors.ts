// Every error this SDK throws is a TogaiError. API errors carry one class per status so callers can
// `catch (e) { if (e instanceof NotFoundError) ... }` without comparing numbers.
import type { components } from '../generated/schema.js';
import { cleanServerText, redactDeep, redactHeaders, redactorFor, type Redactor } from './redaction.js';
import { describeViolations, parseViolations, type RequestViolation } from './violations.js';

export type ErrorResponse = components['schemas']['ErrorResponse'];

export class TogaiError extends Error {
  override name = 'TogaiError';
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
}

/** No response within the configured timeout. */
export class TogaiTimeoutError extends TogaiConnectionError {
  override name = 'TogaiTimeoutError';
}

/** The caller's AbortSignal fired. */
export class TogaiAbortError extends TogaiError {
  override name = 'TogaiAbortError';
}

/** A successful status whose body is not the JSON the operation promises. */
export class TogaiResponseParseError extends TogaiError {
  override name = 'TogaiResponseParseError';
  constructor(
    message: string,
    readonly status: number,
    readonly method: string,
    readonly path: string,
  ) {
    super(message);
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

  constructor(message: string, details: { limit: number; method: string; path: string }) {
    super(message);
    Object.assign(this, details);
  }
}

/**
 * The server answered, but not with a usable HTTP response: a status outside 200–599, or bytes that are not
 * HTTP at all. It did receive the request, so this is never retried.
 */
export class TogaiProtocolError extends TogaiError {
  override name = 'TogaiProtocolError';
  /** The status line's code, when there was one. */
  declare readonly status: number | undefined;
  declare readonly method: string;
  declare readonly path: string;

  constructor(message: string, details: { status?: number | undefined; method: string; path: string }) {
    super(message);
    Object.assign(this, { status: undefined, ...details });
  }
}

/** A list the API pages through misbehaves (a page token seen before), or there is no next page to get. */
export class TogaiPaginationError extends TogaiError {
  override name = 'TogaiPaginationError';
}

const requestIdHeaders = ['x-request-id', 'x-amzn-requestid', 'x-amz-apigw-id', 'x-correlation-id'];

export interface ApiErrorDetails {
  status: number;
  /** Parsed `ErrorResponse` when the body was JSON; the raw text otherwise (e.g. a proxy's HTML page). */
  body: ErrorResponse | string | undefined;
  headers: Headers;
  method: string;
  path: string;
}

/** A non-2xx answer from the API. */
export class TogaiApiError extends TogaiError {
  override name = 'TogaiApiError';
  readonly status: number;
  readonly body: ErrorResponse | string | undefined;
  readonly headers: Headers;
  readonly requestId: string | undefined;
  readonly method: string;
  readonly path: string;
  /** Why a validating mock (Prism, `npm run mock`) rejected the request: its `sl-violations` header, parsed. */
  readonly violations: RequestViolation[] | undefined;

  constructor(details: ApiErrorDetails) {
    const redact = redactorFor(details.headers);
    super(describe(details, redact));
    this.status = details.status;
    // An echoed credential is blotted out here too: errors get logged whole.
    this.body = redactDeep(details.body, redact);
    this.headers = redactHeaders(details.headers, redact);
    this.method = details.method;
    this.path = details.path;
    this.requestId = requestIdHeaders.map((h) => this.headers.get(h)).find((v) => v) ?? undefined;
    this.violations = parseViolations(details.headers);
    if (this.violations) this.message += ` (${describeViolations(this.violations)})`;
  }

  /** The `message` of Togai's `ErrorResponse`, when there was one. */
  get apiMessage(): string | undefined {
    return typeof this.body === 'object' && this.body && typeof this.body.message === 'string'
      ? this.body.message
      : undefined;
  }

  toJSON() {
    const { name, message, status, body, requestId, method, path, violations } = this;
    return { name, message, status, body, requestId, method, path, ...(violations && { violations }) };
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

const classByStatus: Record<number, typeof TogaiApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  429: RateLimitError,
};

function describe({ status, body, method, path }: ApiErrorDetails, redact: Redactor): string {
  const serverText =
    typeof body === 'object' && body && typeof body.message === 'string'
      ? body.message
      : typeof body === 'string'
        ? body.replace(/<[^>]*>/g, ' ') // an HTML error page reads as its text
        : '';
  const detail = cleanServerText(serverText, redact) || 'no error details in the response body';
  return `${method} ${path} failed with ${status}: ${detail}`;
}

/** Parses an error body without ever throwing: JSON when it is JSON, text otherwise. */
export function parseErrorBody(text: string): ErrorResponse | string | undefined {
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as ErrorResponse) : text;
  } catch {
    return text;
  }
}

export function apiErrorFor(details: ApiErrorDetails): TogaiApiError {
  const ErrorClass = details.status >= 500 ? InternalServerError : (classByStatus[details.status] ?? TogaiApiError);
  return new ErrorClass(details);
}
