// Operations whose body carries idempotency keys or event ids (the metadata's `generatedKeys`: a purchase's or a
// custom invoice's `idempotencyKey`, each credit grant's key, each usage event's `id`) always send them, the caller's
// or fresh ones, set once per call before the body is serialized: every retry repeats them, so Togai applies it once.
// The keys sent are reported on any error of the call, so that the caller can resend with the same ones.
import { TogaiValidationError } from '../core/errors.js';
import type { OperationMetadata } from './operations.js';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && [Object.prototype, null].includes(Object.getPrototypeOf(value));

// `node` with the keys at `path` (`idempotencyKey`, `events[].id`, `event.id`) filled where missing, each recorded in
// `keys` under its concrete path (`events[1].id`); objects are copied only where a key is added. `complete` is false
// for a body of another shape: such a request is never marked safe to resend.
function withKeys(node: Record<string, unknown>, [segment, ...rest]: string[], where: string, keys: Record<string, string>, at: string): { node: Record<string, unknown>; complete: boolean } {
  const name = segment!.replace(/\[\]$/, '');
  const value = node[name];
  let complete = true;
  const keyed = (child: unknown, prefix: string) => {
    if (!isPlainObject(child)) {
      complete = false;
      return child;
    }
    const result = withKeys(child, rest, where, keys, prefix);
    complete &&= result.complete;
    return result.node;
  };
  let next = value;
  if (name !== segment) {
    if (!Array.isArray(value) || value.length === 0) return { node, complete: false };
    const items = value.map((item, index) => keyed(item, `${at}${name}[${index}].`));
    if (items.some((item, index) => item !== value[index])) next = items;
  } else if (rest.length > 0) {
    next = keyed(value, `${at}${name}.`);
  } else {
    // Replacing a bad key with a generated one would quietly drop the caller's protection across restarts.
    next = value === undefined ? globalThis.crypto.randomUUID() : value;
    if (typeof next !== 'string' || next === '') {
      throw new TogaiValidationError(`${where} must be a non-empty string when given.`);
    }
    keys[`${at}${name}`] = next;
  }
  return { node: next === value ? node : { ...node, [name]: next }, complete };
}

/** The body to send and, when every key is set, the keys it carries (the request may then be resent). */
interface KeyedBody { body: unknown; keys: Readonly<Record<string, string>> | undefined }

// The body to send, every generated key set (the caller's, or a new one). `optionKey`, the per-call `idempotencyKey`
// option, must match a key the body already has; with no body it becomes the body.
export function withGeneratedKeys(body: unknown, operation: OperationMetadata, optionKey: unknown, name: string): KeyedBody {
  if (optionKey !== undefined) {
    const field = operation.idempotencyKeyField;
    if (!field) {
      const inside = operation.generatedKeys.find((path) => path.includes('[]'));
      // Accepting it would promise a safe retry that nothing on the wire backs up.
      throw new TogaiValidationError(
        inside ? `${name}() takes no idempotency key option: its keys belong to the items (${inside}); set them in the body.` : `${name}() takes no idempotency key (its request body has none).`,
      );
    }
    if (typeof optionKey !== 'string' || optionKey === '') throw new TogaiValidationError(`${name}(): idempotencyKey must be a non-empty string when given.`);
    if (body === undefined || body === null) body = { [field]: optionKey };
    else if (!isPlainObject(body)) throw new TogaiValidationError(`${name}(): the idempotencyKey option needs a plain object body to carry it.`);
    else if (body[field] === undefined) body = { ...body, [field]: optionKey };
    else if (body[field] !== optionKey) {
      throw new TogaiValidationError(`${name}(): the idempotencyKey option and the body's ${field} differ; give the key once, or the same in both.`);
    }
  }
  if (operation.generatedKeys.length === 0 || !isPlainObject(body)) return { body, keys: undefined };
  let node = body;
  let complete = true;
  const keys: Record<string, string> = {};
  for (const path of operation.generatedKeys) {
    const result = withKeys(node, path.split('.'), `${operation.operationId}: ${path}`, keys, '');
    node = result.node;
    complete &&= result.complete;
  }
  return { body: node, keys: complete ? keys : undefined };
}
