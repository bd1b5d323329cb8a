// Checks of what callers pass, shared by the client, each call and the ingester, so that every bad value is refused
// before anything is sent, in the same words, never quoted when it may be a secret. Base URLs among them: the
// credential goes wherever one points, so the client's and a raw-api call's get the same checks (redirects too).
import { TogaiConfigurationError, TogaiValidationError, type TogaiError } from './errors.js';

// A setting a deployment gives without code (TOGAI_API_TOKEN / TOGAI_API_KEY, TOGAI_BASE_URL, TOGAI_LOG), where there
// is an environment (Node, Bun, Deno with env access); undefined when empty.
export function fromEnvironment(name: string): string | undefined {
  try {
    return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name] || undefined;
  } catch {
    return undefined; // Deno without --allow-env throws
  }
}

/** Which TogaiError a failed check throws: the caller's (a configuration or a validation error). */
export type ErrorClass = new (message: string) => TogaiError;

/** Throws `ErrorClass` unless `value` is an integer from `min` to `max`. */
export function assertIntegerIn(value: unknown, [min, max]: readonly [number, number], what: string, ErrorClass: ErrorClass): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const shown = typeof value === 'number' ? String(value) : typeof value;
    throw new ErrorClass(`${what} must be an integer from ${min} to ${max}, got ${shown}.`);
  }
}

/** `value` as JSON text; a value JSON cannot carry (a BigInt, a cycle, a getter that throws) is refused. */
export function jsonText(value: unknown, what: string): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (error) {
    throw new TogaiValidationError(`${what} cannot be sent as JSON: ${error instanceof Error ? error.message.split('\n')[0] : 'it could not be read'}.`, { cause: error });
  }
}

// `value` as JSON.stringify sends it (toJSON() called, undefined dropped), taken once as fresh data, so that what is
// checked or keyed is what is sent.
export const jsonForm = (value: unknown, what: string): unknown => JSON.parse(jsonText(value, what));

/** `text` parsed as JSON, or `fallback` when it is not JSON (its SyntaxError, which quotes the text, is dropped). */
export function parsedOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
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

// Throws `ErrorClass` unless every header of a plain record (a `Headers` was checked when built) has a valid name and
// sendable values (strings, numbers, booleans); fetch would reject the rest later, quoting the value (a credential?).
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

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Requests travel over TLS, except to this machine (`*.localhost` is not: Node asks the resolver for it). */
export function isSafeTransport(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && (loopbackHosts.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname)));
}

// Parses a base URL, throwing `ErrorClass` unless it is absolute, https (or http to loopback), without credentials,
// query or fragment. The text is checked for `?` and `#`: `URL` reports a bare one as empty, and paths would follow it.
export function parseBaseUrl(raw: unknown, ErrorClass: ErrorClass = TogaiConfigurationError): URL {
  if (typeof raw !== 'string') throw new ErrorClass(`baseUrl must be a string, got ${raw === null ? 'null' : typeof raw}.`);
  if (/[?#]/.test(raw)) throw new ErrorClass('baseUrl must not contain a query or a fragment ("?" or "#").');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ErrorClass(`baseUrl "${raw.replace(/\/\/.*@/, '//…@')}" is not an absolute URL.`); // credentials in it not quoted
  }
  if (url.username || url.password) throw new ErrorClass('baseUrl must not contain credentials.');
  if (!isSafeTransport(url)) {
    throw new ErrorClass(`Refusing to send Togai credentials to ${url.protocol}//${url.host}: use https:// (plain http:// is allowed only for loopback hosts).`);
  }
  return url;
}
