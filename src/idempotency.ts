// Operations whose body has an idempotency key (a purchase, per the spec) always send one: the caller's, or a
// generated one. The key is fixed before the first attempt, so every retry repeats it and a retried purchase
// cannot charge twice.
import { TogaiValidationError } from './errors.js';
import type { OperationMetadata } from './operations.js';

export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * The body to send for `operation`, with an idempotency key when its body carries one: the caller's, or a new
 * one. `keyed` says the request may then be resent safely. A body that is not a plain object is left alone
 * (nothing to key; the transport will not resend it).
 */
export function withIdempotencyKey(body: unknown, operation: OperationMetadata): { body: unknown; keyed: boolean } {
  const field = operation.idempotencyKeyField;
  if (!field || !isPlainObject(body)) return { body, keyed: false };
  const given = body[field];
  if (typeof given === 'string' && given !== '') return { body, keyed: true };
  if (given !== undefined) {
    // Replacing it with a generated key would quietly drop the caller's protection across restarts.
    throw new TogaiValidationError(`${operation.operationId}: ${field} must be a non-empty string.`);
  }
  return { body: { ...body, [field]: newIdempotencyKey() }, keyed: true };
}
