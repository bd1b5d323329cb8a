// Redirects are followed by hand, hop by hop, so that each hop decides what travels on. Once a chain leaves the
// origin it started at, only a few harmless headers go with it, and they stay that way even if the chain comes
// back: the credential is never attached again, so a foreign host cannot bounce us to the API with our key.
import { isSafeTransport } from '../core/checks.js';
import { TogaiRedirectError } from '../core/errors.js';
import { cleanServerText, type Redactor } from '../core/redaction.js';

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const maxRedirects = 5;

/** What may cross to another origin; everything else (credentials, cookies, proxy credentials, the caller's own headers) stays behind. */
const crossOriginHeaders = ['accept', 'accept-encoding', 'accept-language', 'user-agent'];

export interface Hop {
  url: string;
  method: string;
  headers: Headers;
  body: ArrayBuffer | undefined;
  /** The chain has left the origin of its first request. */
  crossed: boolean;
}

/** A response the transport follows rather than returns. */
export function isFollowedRedirect(response: Response): boolean {
  return redirectStatuses.has(response.status) && response.headers.has('location');
}

/** The next hop's headers: a body's only with the body (no length across origins), the others as said above. */
function headersForTarget(hop: Hop, keepBody: boolean, crossing: boolean): Headers {
  const headers = new Headers(hop.headers);
  for (const name of [...headers.keys()]) {
    const ofBody = name === 'content-type' || name === 'content-length';
    if (ofBody ? !keepBody || (crossing && name !== 'content-type') : crossing && !crossOriginHeaders.includes(name)) {
      headers.delete(name);
    }
  }
  return headers;
}

// The hop a redirect leads to. Throws TogaiRedirectError for a target this client will not follow: not http(s), plain
// http to a host other than this machine, a URL already visited in this chain (a loop), or one hop too many.
export function nextHop(hop: Hop, response: Response, visited: Set<string>, redact: Redactor): Hop {
  const location = response.headers.get('location') ?? '';
  const shown = () => JSON.stringify(cleanServerText(location.replace(/[?#][^]*/, ''), redact, 200)); // a query may be a signature
  if (visited.size > maxRedirects) throw new TogaiRedirectError(`More than ${maxRedirects} redirects; last Location ${shown()}.`);
  let target: URL;
  try {
    target = new URL(location, hop.url);
  } catch {
    throw new TogaiRedirectError(`Redirect ${response.status} to an invalid Location ${shown()}.`);
  }
  if (target.username || target.password) {
    throw new TogaiRedirectError(`Refusing to follow redirect ${response.status} to a URL with credentials in it.`);
  }
  if (!isSafeTransport(target)) {
    throw new TogaiRedirectError(
      `Refusing to follow redirect ${response.status} to ${target.protocol}//${redact(target.host)}: only https:// (or http:// to this machine).`,
    );
  }
  const becomesGet = response.status === 303 || ((response.status === 301 || response.status === 302) && hop.method === 'POST');
  const method = becomesGet && hop.method !== 'HEAD' ? 'GET' : hop.method;
  const body = becomesGet ? undefined : hop.body;
  const visit = `${method} ${target.href}`;
  // Following the same request to the same place again can only end in the same answer.
  if (visited.has(visit)) throw new TogaiRedirectError(`Redirect loop: ${method} ${shown()} was already requested.`);
  visited.add(visit);
  const crossing = hop.crossed || target.origin !== new URL(hop.url).origin;
  return { url: target.href, method, headers: headersForTarget(hop, body !== undefined, crossing), body, crossed: crossing };
}
