// Path parameters are checked before anything is sent: a value must stay inside its one path segment
// (plain openapi-fetch would send `account_id: '..'` to `/`) and respect the spec's length limits.
import { TogaiValidationError } from './errors.js';
import { operationForPath, type OperationMetadata } from './operations.js';

/** encodeURIComponent throws on these; they cannot be sent. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Returns a readable reason why `value` cannot be the path parameter `name`, or undefined if it can. */
function problemWith(value: unknown, limits: OperationMetadata['pathParams'][string]): string | undefined {
  if (typeof value !== 'string') return `must be a string, got ${value === null ? 'null' : typeof value}`;
  if (value === '.' || value === '..') return `must not be "${value}" (it would change the path)`;
  if (loneSurrogate.test(value)) return 'contains an unpaired surrogate (not valid Unicode)';
  const length = [...value].length; // JSON Schema lengths count code points
  if (length < limits.minLength) return length === 0 ? 'must not be empty' : `must be at least ${limits.minLength} characters`;
  if (limits.maxLength !== undefined && length > limits.maxLength) {
    return `must be at most ${limits.maxLength} characters, got ${length}`;
  }
  if (limits.pattern !== undefined && !new RegExp(limits.pattern, 'u').test(value)) {
    return `must match ${limits.pattern}`;
  }
  return undefined;
}

/** Throws a TogaiValidationError unless every path parameter of `operation` is present and valid. */
export function assertValidPathParams(
  operation: OperationMetadata,
  params: Readonly<Record<string, unknown>> | undefined,
  displayName: (name: string) => string = (name) => name,
  subject = `${operation.operationId} (${operation.method} ${operation.path})`,
): void {
  for (const [name, limits] of Object.entries(operation.pathParams)) {
    const value = params?.[name];
    const problem = value === undefined ? 'is required' : problemWith(value, limits);
    if (problem) throw new TogaiValidationError(`${subject}: ${displayName(name)} ${problem}.`);
  }
}

/**
 * openapi-fetch's path serializer, validating first: it runs while the URL is built, before any middleware or
 * request, so even a value `encodeURIComponent` would choke on becomes a TogaiValidationError.
 */
export function createValidatingPathSerializer(baseUrl: string) {
  return (url: string, params: Record<string, unknown>): string => {
    const template = url.startsWith(baseUrl) ? url.slice(baseUrl.length) : url;
    const operation = operationForPath(template);
    // The serializer does not know the method, so the message names the path, not one of its operations.
    if (operation) assertValidPathParams(operation, params, undefined, `Path ${operation.path}`);
    return url.replace(/\{([^{}]+)\}/g, (placeholder, name: string) =>
      params[name] === undefined || params[name] === null ? placeholder : encodeURIComponent(String(params[name])),
    );
  };
}
