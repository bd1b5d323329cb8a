// Operations whose body carries idempotency keys or event ids (the metadata's `generatedKeys`: a purchase's or a
// custom invoice's `idempotencyKey`, each credit grant's key, each usage event's `id`) always send them, the caller's
// or fresh ones, set once per call before the body is serialized: every retry repeats them, so Togai applies it once.
// The keys sent are reported on any error of the call, so that the caller can resend with the same ones.
import { jsonForm } from '../core/checks.js';
import { TogaiValidationError } from '../core/errors.js';
import type { OperationMetadata } from './operations.js';

/** An object of the body's JSON form (where every object is plain). */
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

// Fills the keys at `path` (`idempotencyKey`, `events[].id`, `event.id`) into `node` where missing, recording each in
// `keys` under its concrete path (`events[1].id`). False for a body of another shape: it is never marked safe to resend.
function fillKeys(node: unknown, [segment, ...rest]: string[], where: string, keys: Record<string, string>, at: string): boolean {
  if (!isObject(node)) return false;
  const name = segment!.replace(/\[\]$/, '');
  const value = node[name];
  if (name !== segment) {
    if (!Array.isArray(value) || value.length === 0) return false;
    return value.map((item, index) => fillKeys(item, rest, where, keys, `${at}${name}[${index}].`)).every(Boolean);
  }
  if (rest.length > 0) return fillKeys(value, rest, where, keys, `${at}${name}.`);
  // Replacing a bad key with a generated one would quietly drop the caller's protection across restarts.
  const key = value === undefined ? (node[name] = globalThis.crypto.randomUUID()) : value;
  if (typeof key !== 'string' || key === '') throw new TogaiValidationError(`${where} must be a non-empty string when given.`);
  keys[`${at}${name}`] = key;
  return true;
}

/** A body serialized already (the ingester's batches: each event's JSON taken at add()), with the keys it carries. */
export class SerializedBody {
  constructor(readonly text: string, readonly keys: () => Readonly<Record<string, string>>) {}
}

/** The body to send and, when every key is set, the keys it carries, listed when an error needs them (it may be resent). */
interface KeyedBody { body: unknown; keys: (() => Readonly<Record<string, string>>) | undefined }

// The body to send, every generated key set (the caller's, or a new one), in the body's JSON form taken once: the keys
// recorded are those sent, whatever getters, toJSON() or classes the caller's objects have. `optionKey`, the per-call
// `idempotencyKey` option, must match a key the body already has; with no body it becomes the body.
export function withGeneratedKeys(body: unknown, operation: OperationMetadata, optionKey: unknown, name: string): KeyedBody {
  if (body instanceof SerializedBody) return { body, keys: body.keys };
  if (operation.generatedKeys.length === 0 && optionKey === undefined) return { body, keys: undefined };
  if (body !== undefined) body = jsonForm(body, `${name}(): the body`);
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
    else if (!isObject(body)) throw new TogaiValidationError(`${name}(): the idempotencyKey option needs an object body to carry it.`);
    else if (body[field] === undefined) body[field] = optionKey;
    else if (body[field] !== optionKey) {
      throw new TogaiValidationError(`${name}(): the idempotencyKey option and the body's ${field} differ; give the key once, or the same in both.`);
    }
  }
  const keys: Record<string, string> = {};
  // Every path is filled (no short cut), so that each key is set whether or not another path fits.
  const complete = operation.generatedKeys.map((path) => fillKeys(body, path.split('.'), `${operation.operationId}: ${path}`, keys, '')).every(Boolean);
  return { body, keys: complete ? () => keys : undefined };
}
