// Path parameters are checked before anything is sent: a value must stay inside its one path segment
// (plain openapi-fetch would send `account_id: '..'` to `/`) and respect the spec's length limits.
import { TogaiValidationError } from './errors.js';
import type { PathParamLimits } from '../generated/operations.js';
import { operationForPath, type OperationMetadata } from './operations.js';

/** encodeURIComponent throws on these; they cannot be sent. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Returns a readable reason why `value` cannot be the path parameter `name`, or undefined if it can. */
function problemWith(value: unknown, limits: PathParamLimits): string | undefined {
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

const placeholder = /\{([^{}]+)\}/g;

function assertWithin(
  limitsByName: Readonly<Record<string, PathParamLimits>>,
  params: Readonly<Record<string, unknown>> | undefined,
  displayName: (name: string) => string,
  subject: string,
): void {
  for (const [name, limits] of Object.entries(limitsByName)) {
    const value = params?.[name];
    const problem = value === undefined ? 'is required' : problemWith(value, limits);
    if (problem) throw new TogaiValidationError(`${subject}: ${displayName(name)} ${problem}.`);
  }
}

/** Throws a TogaiValidationError unless every path parameter of `operation` is present and valid. */
export function assertValidPathParams(
  operation: OperationMetadata,
  params: Readonly<Record<string, unknown>> | undefined,
  displayName: (name: string) => string = (name) => name,
  subject = `${operation.operationId} (${operation.method} ${operation.path})`,
): void {
  assertWithin(operation.pathParams, params, displayName, subject);
}

/** What the parameters of a path template outside the spec must at least be: one non-empty segment. */
const anySegment: PathParamLimits = { minLength: 1 };

/**
 * Checks a raw-api call's path parameters against its path template, before openapi-fetch builds the URL
 * (whatever base URL it will be joined to). Templates outside the spec still get the one-segment rules.
 */
export function assertValidCallPath(template: string, params: Readonly<Record<string, unknown>> | undefined): void {
  const limits =
    operationForPath(template)?.pathParams ??
    Object.fromEntries([...template.matchAll(placeholder)].map(([, name]) => [name!, anySegment]));
  // The template does not say the method, so the message names the path, not one of its operations.
  assertWithin(limits, params, (name) => name, `Path ${template}`);
}

/** The path as sent, for error messages: each parameter percent-encoded into its segment. */
export function fillPath(template: string, params: Readonly<Record<string, unknown>> | undefined): string {
  return template.replace(placeholder, (_, name: string) => encodeURIComponent(String(params?.[name])));
}
