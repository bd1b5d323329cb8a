// Header names and values are checked when they are given, because fetch would reject them later with a
// TypeError that quotes the whole value (a credential, say). Our errors name the header, never its value.
import type { TogaiError } from './errors.js';

/** Characters an HTTP field value cannot carry (RFC 9110: visible ASCII, space, tab and obs-text bytes). */
export const unsendableInHeader = /[^\t\x20-\x7e\x80-\xff]/;

/** An RFC 9110 token: what a header name may be. */
const headerName = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Headers that frame the message or the connection. fetch sets them itself; given by a caller, undici either
 * throws or (a wrong content-length) waits for bytes that never come.
 */
const framingHeaders = new Set([
  'connection',
  'content-length',
  'expect',
  'host',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Why `value` cannot travel in a header, in words that do not repeat it; undefined when it can. */
export function unsendableReason(value: string): string | undefined {
  if (!unsendableInHeader.test(value)) return undefined;
  if (/[\r\n]/.test(value)) return 'contains a line break';
  if (/[^\x00-\xff]/.test(value)) return 'contains a character above U+00FF';
  return 'contains a control character';
}

type ErrorClass = new (message: string) => TogaiError;

/**
 * Throws `ErrorClass` unless every header in `headers` (a plain record, as the `headers` options take;
 * a `Headers` object was already checked when it was built) has a valid name and sendable values.
 */
export function assertSendableHeaders(headers: unknown, where: string, ErrorClass: ErrorClass): void {
  if (headers === undefined || headers === null || headers instanceof Headers) return;
  if (typeof headers !== 'object') throw new ErrorClass(`${where} must be an object of header names and values.`);
  for (const [name, value] of Object.entries(headers)) {
    if (!headerName.test(name)) {
      throw new ErrorClass(`${where}: ${JSON.stringify(name.slice(0, 40))} is not a valid header name.`);
    }
    if (framingHeaders.has(name.toLowerCase())) {
      throw new ErrorClass(`${where}: "${name}" is set by the HTTP client itself and cannot be given.`);
    }
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item === null) continue;
      const reason = unsendableReason(String(item));
      if (reason) throw new ErrorClass(`${where}: the value of header "${name}" ${reason}, which no HTTP header can carry.`);
    }
  }
}
