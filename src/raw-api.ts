// `client.api` is openapi-fetch with a guard in front of every call: the call's own options (base URL, headers,
// path parameters, retry and size settings) are checked before openapi-fetch builds anything, and what
// openapi-fetch would throw itself (a SyntaxError for a success body that is not JSON, a TypeError for a body
// JSON cannot carry) becomes a TogaiError. The guard also does the SDK's own part of each call (deprecation
// notices, idempotency keys), so openapi-fetch runs with no middleware of ours. The facade calls through it.
import { createQuerySerializer, defaultBodySerializer } from 'openapi-fetch';
import { parseBaseUrl } from './base-url.js';
import { TogaiResponseParseError, TogaiValidationError } from './errors.js';
import { assertSendableHeaders } from './headers.js';
import type { DeprecationReporter } from './deprecation.js';
import { withGeneratedKeys } from './idempotency.js';
import { operationForRoute, type OperationMetadata } from './operations.js';
import { assertTuning } from './options.js';
import { callOptionsInitKey, type CallOptions } from './retry.js';
import { assertValidCallPath, fillPath } from './validation.js';

interface CallInit {
  baseUrl?: unknown;
  headers?: unknown;
  params?: { path?: Record<string, unknown>; header?: unknown };
  parseAs?: string;
  [key: string]: unknown;
}

interface CallResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

const methods = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'] as const;

const noInit: CallInit = {};

/** Throws a TogaiValidationError unless the call's own options can be sent as they are. */
function assertSendable(method: string, template: unknown, init: CallInit): asserts template is string {
  if (typeof template !== 'string') throw new TogaiValidationError('The path of an api call must be a string.');
  if (typeof init !== 'object' || init === null) throw new TogaiValidationError('The options of an api call must be an object.');
  assertValidCallPath(template, init.params?.path);
  if (init.signal !== undefined && init.signal !== null && !(init.signal instanceof AbortSignal)) {
    throw new TogaiValidationError('signal must be an AbortSignal.');
  }
  if (init.body !== undefined && (method === 'GET' || method === 'HEAD')) {
    throw new TogaiValidationError(`A ${method} request cannot have a body.`);
  }
  assertSendableHeaders(init.headers, 'headers', TogaiValidationError);
  assertSendableHeaders(init.params?.header, 'params.header', TogaiValidationError);
  const tuning = init[callOptionsInitKey];
  if (tuning !== undefined) assertTuning(tuning as Record<string, unknown>, TogaiValidationError);
}

/**
 * What the guard changes in a checked init before openapi-fetch sees it: the base URL normalized (so the
 * transport recognizes the client's origin however it was spelled), JSON left to us to parse (openapi-fetch's
 * parse errors are plain SyntaxErrors), an idempotency key in the body, and the per-call options rebuilt from
 * their known fields, so no caller can mark a request safe to resend.
 */
function sdkChanges(init: CallInit, operation: OperationMetadata | undefined): CallInit | undefined {
  const changes: CallInit = {};
  let changed = false;
  if (init.baseUrl !== undefined) {
    changes.baseUrl = parseBaseUrl(init.baseUrl, TogaiValidationError).href.replace(/\/$/, '');
    changed = true;
  }
  if (init.parseAs === undefined || init.parseAs === 'json') {
    changes.parseAs = 'text';
    changed = true;
  }
  const keyed = operation && operation.generatedKeys.length > 0 ? withGeneratedKeys(init.body, operation) : undefined;
  if (keyed && keyed.body !== init.body) {
    changes.body = keyed.body;
    changed = true;
  }
  const given = init[callOptionsInitKey] as CallOptions | undefined;
  // A query sent as POST changes nothing (x-sdk-idempotent), so it may be resent like a GET.
  const idempotent = operation?.retrySafe || keyed?.keyed;
  if (given !== undefined || idempotent) {
    const { maxRetries, timeout, maxRetryDelay, maxResponseBytes } = given ?? {};
    changes[callOptionsInitKey] = { maxRetries, timeout, maxRetryDelay, maxResponseBytes, idempotent };
    changed = true;
  }
  return changed ? changes : undefined;
}

function parseJsonData(result: CallResult, method: string, template: string, init: CallInit | undefined): CallResult {
  if (typeof result.data !== 'string') return result;
  if (result.data === '') return { ...result, data: undefined }; // as openapi-fetch does for an empty body
  try {
    return { ...result, data: JSON.parse(result.data) };
  } catch {
    // The SyntaxError is not kept as the cause: its message quotes the body, which may echo anything.
    const path = fillPath(template, init?.params?.path);
    const { status } = result.response;
    throw new TogaiResponseParseError(`${method} ${path} answered ${status} with a body that is not valid JSON.`, status, method, path);
  }
}

/**
 * Wraps every call method of an openapi-fetch client in the guard, which also reports deprecations (the
 * operation's, then the response's headers); `use` and `eject` stay as they are.
 */
export function guardRawApi<C>(api: C, deprecations: DeprecationReporter): C {
  const inner = api as unknown as { request(method: string, template: string, init: CallInit): Promise<CallResult> };
  async function call(method: string, template: string, init: CallInit = noInit): Promise<CallResult> {
    assertSendable(method, template, init);
    const operation = operationForRoute(method, template);
    const changes = sdkChanges(init, operation);
    if (operation) deprecations.operationCalled(operation);
    const result = await inner.request(method, template, changes ? { ...init, ...changes } : init);
    deprecations.responseReceived(result.response, method, template, operation);
    return changes?.parseAs ? parseJsonData(result, method, template, init) : result;
  }
  const wrapped: Record<string, unknown> = { ...(api as object) };
  for (const method of methods) wrapped[method] = (template: string, init?: CallInit) => call(method, template, init);
  wrapped.request = (method: string, template: string, init?: CallInit) => call(String(method).toUpperCase(), template, init);
  return wrapped as C;
}

/** Request bodies openapi-fetch serializes, with a TogaiValidationError for one JSON cannot carry (a BigInt, a cycle). */
export function serializeBody(body: unknown, headers?: Headers | Record<string, string>): unknown {
  try {
    // openapi-fetch's own serializer takes the headers too (for form bodies), though its types omit them.
    return (defaultBodySerializer as (body: unknown, headers?: unknown) => unknown)(body, headers);
  } catch (cause) {
    const error = new TogaiValidationError(`The request body cannot be sent as JSON: ${(cause as Error).message.split('\n')[0]}`);
    (error as { cause?: unknown }).cause = cause;
    throw error;
  }
}

const defaultQuery = createQuerySerializer();

/** Query strings as openapi-fetch builds them, with a TogaiValidationError for a value it cannot encode. */
export function serializeQuery(query: Record<string, unknown>): string {
  try {
    return defaultQuery(query);
  } catch (cause) {
    const error = new TogaiValidationError(`A query parameter cannot be sent: ${(cause as Error).message}`);
    (error as { cause?: unknown }).cause = cause;
    throw error;
  }
}
