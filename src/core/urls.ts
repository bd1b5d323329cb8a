// Where requests may go. The credential goes wherever a base URL points, so the client's and a raw-api call's own
// get the same checks before anything is sent; redirects are held to the same transport rule.
import type { ErrorClass } from './checks.js';
import { TogaiConfigurationError } from './errors.js';

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Requests travel over TLS, except to this machine (`*.localhost` is not: Node asks the resolver for it). */
export function isSafeTransport(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && (loopbackHosts.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname)));
}

/**
 * Parses a base URL, throwing `ErrorClass` unless it is absolute, https (or http to loopback), and free of
 * credentials, query and fragment. The text is checked for `?` and `#`: `URL` reports a bare one as empty, and
 * every path would then be appended after it.
 */
export function parseBaseUrl(raw: unknown, ErrorClass: ErrorClass = TogaiConfigurationError): URL {
  if (typeof raw !== 'string') throw new ErrorClass(`baseUrl must be a string, got ${raw === null ? 'null' : typeof raw}.`);
  if (/[?#]/.test(raw)) throw new ErrorClass('baseUrl must not contain a query or a fragment ("?" or "#").');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ErrorClass(`baseUrl "${raw}" is not an absolute URL.`);
  }
  if (url.username || url.password) throw new ErrorClass('baseUrl must not contain credentials.');
  if (!isSafeTransport(url)) {
    throw new ErrorClass(`Refusing to send Togai credentials to ${url.protocol}//${url.host}: use https:// (plain http:// is allowed only for loopback hosts).`);
  }
  return url;
}
