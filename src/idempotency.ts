// Operations whose body carries idempotency keys or event ids (the metadata's `generatedKeys`: a purchase's or a
// custom invoice's `idempotencyKey`, each credit grant's key, each usage event's `id`) always send them: the
// caller's, or fresh ones. They are fixed before the first attempt, so every retry repeats them, and Togai's
// deduplication makes a retried purchase, grant or usage event apply once.
import { TogaiValidationError } from './errors.js';
import type { OperationMetadata } from './operations.js';
import { callOptionsOf, withCallOptions } from './retry.js';

export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Fills the empty keys at `path` (`idempotencyKey`, `events[].id`, `event.id`) inside `node`, in place.
 * Returns whether every key along the path is now set; false when the body does not have the expected shape,
 * so a request we could not key is never marked safe to resend.
 */
function fillKeys(node: Record<string, unknown>, path: readonly string[], where: string): boolean {
  const [segment, ...rest] = path as [string, ...string[]];
  if (segment.endsWith('[]')) {
    const items = node[segment.slice(0, -2)];
    if (!Array.isArray(items) || items.length === 0) return false;
    let complete = true;
    for (const item of items) complete = (isRecord(item) && fillKeys(item, rest, where)) && complete;
    return complete;
  }
  if (rest.length > 0) return isRecord(node[segment]) && fillKeys(node[segment] as Record<string, unknown>, rest, where);
  const value = node[segment];
  if (value === undefined) node[segment] = newIdempotencyKey();
  else if (typeof value !== 'string' || value === '') {
    // Replacing it with a generated key would quietly drop the caller's protection across restarts.
    throw new TogaiValidationError(`${where} must be a non-empty string when given.`);
  }
  return true;
}

/**
 * Internal per-call option (symbol-keyed, so no caller passes it by accident): the caller has already put every
 * generated key in the body (the ingester does, in add()), so the body need not be read again to fill them.
 */
export const keysAssigned = Symbol('togai.keysAssigned');

/** Returns the request with every generated key in its body, marked safe to resend when all are set. */
export async function ensureGeneratedKeys(request: Request, operation: OperationMetadata): Promise<Request> {
  if (request.body === null || callOptionsOf(request)?.idempotent) return request;
  const text = await request.clone().text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return request; // not JSON: nothing we can key; the transport will not resend it
  }
  if (!isRecord(body)) return request;
  let complete = true;
  for (const path of operation.generatedKeys) complete = fillKeys(body, path.split('.'), `${operation.operationId}: ${path}`) && complete;
  const serialized = JSON.stringify(body);
  const keyed = serialized === text ? request : new Request(request, { body: serialized });
  return complete ? withCallOptions(keyed, { ...callOptionsOf(request), idempotent: true }) : keyed;
}
