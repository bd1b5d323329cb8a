// Checks of what callers pass, shared by the client, each call and the ingester, so that every bad value is
// refused before anything is sent, in the same words, and never quoted when it may be a secret.
import type { TogaiError } from './errors.js';

/** Which TogaiError a failed check throws: the caller's (a configuration or a validation error). */
export type ErrorClass = new (message: string) => TogaiError;

/** Throws `ErrorClass` unless `value` is an integer from `min` to `max`. */
export function assertIntegerIn(value: unknown, [min, max]: readonly [number, number], what: string, ErrorClass: ErrorClass): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const shown = typeof value === 'number' ? String(value) : typeof value;
    throw new ErrorClass(`${what} must be an integer from ${min} to ${max}, got ${shown}.`);
  }
}

/** Characters an HTTP field value cannot carry (RFC 9110: visible ASCII, space, tab and obs-text bytes). */
const unsendableInHeader = /[^\t\x20-\x7e\x80-\xff]/;

/** An RFC 9110 token: what a header name may be. */
const headerName = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

// Headers that frame the message or the connection: fetch sets them; given by a caller, undici throws or (a wrong
// content-length) waits for bytes that never come.
const framingHeaders = new Set(['connection', 'content-length', 'expect', 'host', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Why `value` cannot travel in a header, in words that do not repeat it; undefined when it can. */
export function unsendableReason(value: string): string | undefined {
  if (!unsendableInHeader.test(value)) return undefined;
  if (/[\r\n]/.test(value)) return 'contains a line break';
  if (/[^\x00-\xff]/.test(value)) return 'contains a character above U+00FF';
  return 'contains a control character';
}

/**
 * Throws `ErrorClass` unless every header in `headers` (a plain record, as the `headers` options take; a `Headers`
 * object was already checked when it was built) has a valid name and sendable values: strings, numbers or booleans.
 * fetch would reject the rest later, with a TypeError that quotes the whole value (a credential, say).
 */
export function assertSendableHeaders(headers: unknown, where: string, ErrorClass: ErrorClass): void {
  if (headers === undefined || headers === null || headers instanceof Headers) return;
  if (typeof headers !== 'object') throw new ErrorClass(`${where} must be an object of header names and values.`);
  for (const [name, value] of Object.entries(headers)) {
    if (!headerName.test(name)) throw new ErrorClass(`${where}: ${JSON.stringify(name.slice(0, 40))} is not a valid header name.`);
    if (framingHeaders.has(name.toLowerCase())) throw new ErrorClass(`${where}: "${name}" is set by the HTTP client itself and cannot be given.`);
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item === null) continue;
      if (!['string', 'number', 'boolean'].includes(typeof item)) throw new ErrorClass(`${where}: the value of header "${name}" must be a string, got ${typeof item}.`);
      const reason = unsendableReason(String(item));
      if (reason) throw new ErrorClass(`${where}: the value of header "${name}" ${reason}, which no HTTP header can carry.`);
    }
  }
}
