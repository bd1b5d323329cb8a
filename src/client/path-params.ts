// Path parameters are checked once, before anything is sent: a value must stay inside its one path segment
// (plain openapi-fetch would send `account_id: '..'` to `/`) and respect the spec's length limits.
import type { PathParamLimits } from '../../generated/operations.js';
import { TogaiValidationError } from '../core/errors.js';
import { byPath, camelCase, type OperationMetadata } from './operations.js';

/** encodeURIComponent throws on these; they cannot be sent. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const placeholder = /\{([^{}]+)\}/g;

/** Returns a readable reason why `value` cannot be the path parameter, or undefined if it can. */
function problemWith(value: unknown, limits: PathParamLimits): string | undefined {
  if (value === undefined) return 'is required';
  if (typeof value !== 'string') return `must be a string, got ${value === null ? 'null' : typeof value}`;
  if (value === '.' || value === '..') return `must not be "${value}" (it would change the path)`;
  if (loneSurrogate.test(value)) return 'contains an unpaired surrogate (not valid Unicode)';
  const length = [...value].length; // JSON Schema lengths count code points
  if (length < limits.minLength) return length === 0 ? 'must not be empty' : `must be at least ${limits.minLength} characters`;
  if (limits.maxLength !== undefined && length > limits.maxLength) return `must be at most ${limits.maxLength} characters, got ${length}`;
  if (limits.pattern !== undefined && !new RegExp(limits.pattern, 'u').test(value)) return `must match ${limits.pattern}`;
  return undefined;
}

// Throws a TogaiValidationError unless every path parameter of `template` is valid: by the spec's limits for its own
// paths, by the one-segment rules for any other. A facade call names them by its arguments.
export function assertPathParams(template: string, params: Readonly<Record<string, unknown>> | undefined, facade?: { operation: OperationMetadata; name: string }): void {
  const limits =
    (facade?.operation ?? byPath.get(template))?.pathParams ??
    Object.fromEntries([...template.matchAll(placeholder)].map(([, name]) => [name!, { minLength: 1 }])); // one segment
  for (const [name, limit] of Object.entries(limits)) {
    const problem = problemWith(params?.[name], limit);
    if (!problem) continue;
    const op = facade?.operation;
    const where = op ? `${op.operationId} (${op.method} ${template}): ${facade!.name}() argument ${camelCase(name)}` : `Path ${template}: ${name}`;
    throw new TogaiValidationError(`${where} ${problem}.`);
  }
}

/** The path as sent, for messages: each parameter percent-encoded into its segment. */
export function fillPath(template: string, params: Readonly<Record<string, unknown>> | undefined): string {
  return template.replace(placeholder, (_, name: string) => encodeURIComponent(String(params?.[name])));
}
