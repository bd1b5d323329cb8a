// Operations whose body carries idempotency keys or event ids (the metadata's `generatedKeys`: a purchase's or a
// custom invoice's `idempotencyKey`, each credit grant's key, each usage event's `id`) always send them: the
// caller's, or fresh ones. They are set on the body before it is serialized, once per call, so every retry
// repeats them and Togai's deduplication makes a retried purchase, grant or usage event apply once.
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
 * `node` with the keys at `path` (`idempotencyKey`, `events[].id`, `event.id`) filled where missing. Objects on
 * the way are copied only where a key is added, so the caller's body is never changed. `complete` is false when
 * the body does not have the expected shape: such a request is never marked safe to resend.
 */
function withKeys(node: Record<string, unknown>, path: readonly string[], where: string): { node: Record<string, unknown>; complete: boolean } {
  const [segment, ...rest] = path as [string, ...string[]];
  if (segment.endsWith('[]')) {
    const name = segment.slice(0, -2);
    const items = node[name];
    if (!Array.isArray(items) || items.length === 0) return { node, complete: false };
    let complete = true;
    let copy: unknown[] | undefined;
    items.forEach((item, index) => {
      if (!isPlainObject(item)) return void (complete = false);
      const keyed = withKeys(item, rest, where);
      complete &&= keyed.complete;
      if (keyed.node !== item) (copy ??= [...items])[index] = keyed.node;
    });
    return { node: copy ? { ...node, [name]: copy } : node, complete };
  }
  if (rest.length > 0) {
    const child = node[segment];
    if (!isPlainObject(child)) return { node, complete: false };
    const keyed = withKeys(child, rest, where);
    return { node: keyed.node === child ? node : { ...node, [segment]: keyed.node }, complete: keyed.complete };
  }
  const value = node[segment];
  if (value === undefined) return { node: { ...node, [segment]: newIdempotencyKey() }, complete: true };
  if (typeof value !== 'string' || value === '') {
    // Replacing it with a generated key would quietly drop the caller's protection across restarts.
    throw new TogaiValidationError(`${where} must be a non-empty string when given.`);
  }
  return { node, complete: true };
}

/**
 * The body to send for `operation`, with every generated key set: the caller's, or a new one. `keyed` says the
 * request may then be resent safely. A body that is not a plain object is left alone (nothing to key; the
 * transport will not resend it).
 */
export function withGeneratedKeys(body: unknown, operation: OperationMetadata): { body: unknown; keyed: boolean } {
  if (operation.generatedKeys.length === 0 || !isPlainObject(body)) return { body, keyed: false };
  let node = body;
  let keyed = true;
  for (const path of operation.generatedKeys) {
    const result = withKeys(node, path.split('.'), `${operation.operationId}: ${path}`);
    node = result.node;
    keyed &&= result.complete;
  }
  return { body: node, keyed };
}
