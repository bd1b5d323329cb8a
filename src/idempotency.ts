// Operations whose body has an idempotency key (a purchase, per the spec) always send one: the caller's, or a
// generated one. The key is fixed before the first attempt, so every retry repeats it and a retried purchase
// cannot charge twice.
import { TogaiValidationError } from './errors.js';
import type { OperationMetadata } from './operations.js';
import { callOptionsOf, withCallOptions } from './retry.js';

export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

/** Returns the request with an idempotency key in its body, and marks it safe to resend. */
export async function ensureIdempotencyKey(request: Request, operation: OperationMetadata): Promise<Request> {
  const field = operation.idempotencyKeyField;
  if (!field || request.body === null) return request;
  const text = await request.clone().text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return request; // not JSON: nothing we can key; the transport will not resend it
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return request;
  const record = body as Record<string, unknown>;
  const given = record[field];
  if (typeof given === 'string' && given !== '') return withCallOptions(request, { idempotent: true });
  if (given !== undefined) {
    // Replacing it with a generated key would quietly drop the caller's protection across restarts.
    throw new TogaiValidationError(`${operation.operationId}: ${field} must be a non-empty string.`);
  }
  const keyed = new Request(request, { body: JSON.stringify({ ...record, [field]: newIdempotencyKey() }) });
  return withCallOptions(keyed, { ...callOptionsOf(request), idempotent: true });
}
