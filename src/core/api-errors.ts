// An API error from an answer: the class for its status, a one-line message that quotes the server only after
// cleaning and redaction, and the body and headers with every secret of the client blotted out (errors get logged).
// Prism, the mock of `npm run mock`, answers a request that breaks the spec with a 4xx whose body is only an example;
// the real reasons come in its `sl-violations` header, which the error carries.
import { parsedOr } from './checks.js';
import * as errors from './errors.js';
import type { ErrorResponse } from '../../generated/models.js';
import { cleanServerText, redactDeep, redactHeaders, type Redactor } from './redaction.js';

const classByStatus: Record<number, typeof errors.TogaiApiError> = {
  400: errors.BadRequestError,
  401: errors.AuthenticationError,
  403: errors.PermissionDeniedError,
  404: errors.NotFoundError,
  429: errors.RateLimitError,
};

const requestIdHeaders = ['x-request-id', 'x-amzn-requestid', 'x-amz-apigw-id', 'x-correlation-id'];

/** Most of an error body any error keeps: Togai's `ErrorResponse` is a sentence, a proxy's page a few lines. */
export const maxErrorBodyBytes = 8 * 1024;

/** Parses an error body without ever throwing: JSON when it is a JSON object, text otherwise. */
function parseErrorBody(body: unknown): ErrorResponse | string | undefined {
  if (body === undefined || body === null || body === '') return undefined;
  if (typeof body === 'object' && !Array.isArray(body)) return body as ErrorResponse;
  if (typeof body !== 'string') return JSON.stringify(body);
  const parsed = parsedOr(body, undefined);
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as ErrorResponse) : body;
}

/** The parsed `sl-violations` header, redacted: undefined when there is none or it cannot be read. Never throws. */
function parseViolations(headers: Headers, redact: Redactor): errors.RequestViolation[] | undefined {
  const parsed = parsedOr(headers.get('sl-violations') ?? '', undefined);
  const violations = Array.isArray(parsed) ? parsed.filter((v) => typeof (v as errors.RequestViolation | null)?.message === 'string') : [];
  return violations.length > 0 ? redactDeep(violations as errors.RequestViolation[], redact) : undefined;
}

/** A mention for an error message: the first violation (one clean line, at most 200 characters), how many more. */
function describeViolations([first, ...others]: errors.RequestViolation[], redact: Redactor): string {
  const more = others.length > 0 ? ` (+${others.length} more)` : '';
  return `the mock rejected the request: ${cleanServerText(first!.message, redact, 200)}${more}; see error.violations`;
}

interface ApiAnswer {
  status: number;
  /** The body as received: text, or what openapi-fetch parsed. */
  body: unknown;
  headers: Headers;
  method: string;
  path: string;
}

export function apiErrorFor({ status, body: raw, headers, method, path }: ApiAnswer, redact: Redactor, extra: errors.ErrorDetails = {}): errors.TogaiApiError {
  const body = redactDeep(parseErrorBody(raw), redact);
  const serverText =
    typeof body === 'object' && body && typeof body.message === 'string'
      ? body.message
      : typeof body === 'string'
        ? body.replace(/<[^>]*>/g, ' ') // an HTML error page reads as its text
        : '';
  const violations = parseViolations(headers, redact);
  const message =
    `${method} ${path} failed with ${status}: ${cleanServerText(serverText, redact) || 'no error details in the response body'}` +
    (violations ? ` (${describeViolations(violations, redact)})` : '');
  const safeHeaders = redactHeaders(headers, redact);
  const requestId = requestIdHeaders.map((name) => safeHeaders.get(name)).find((value) => value) ?? undefined;
  const ErrorClass = status >= 500 ? errors.InternalServerError : (classByStatus[status] ?? errors.TogaiApiError);
  return new ErrorClass(message, { ...extra, status, body, headers: safeHeaders, requestId, method, path, violations });
}
