// The one path every call takes, raw (`client.api`) or through the facade: input checked before openapi-fetch builds
// anything; the SDK's part done (deprecations, idempotency keys, secrets); the call's context handed to the transport
// through openapi-fetch's per-request `fetch`; the body parsed one way. What openapi-fetch would throw itself (a
// SyntaxError for a body that is not JSON, a TypeError for one JSON cannot carry) becomes a TogaiError.
import { mergeHeaders, type Client, type HeadersOptions } from 'openapi-fetch';
import { apiErrorFor } from '../core/api-errors.js';
import { assertSendableHeaders, parseBaseUrl } from '../core/checks.js';
import { TogaiConnectionError, TogaiError, TogaiResponseParseError, TogaiValidationError, type ErrorDetails } from '../core/errors.js';
import type { Log } from '../core/logging.js';
import type { Secrets } from '../core/redaction.js';
import type { Send } from '../transport/transport.js';
import type { DeprecationReporter } from './deprecations.js';
import { SerializedBody, withGeneratedKeys } from './generated-keys.js';
import { byRoute, type OperationMetadata } from './operations.js';
import { pickTuning, type RequestOptions } from './options.js';
import { assertPathParams, fillPath } from './path-params.js';

/** openapi-fetch's options of one call, as a raw-api caller may pass them. */
export interface CallInit {
  baseUrl?: unknown;
  headers?: unknown;
  params?: { path?: Record<string, unknown>; query?: unknown; header?: unknown };
  body?: unknown;
  parseAs?: unknown;
  signal?: unknown;
  [key: string]: unknown;
}

interface CallResult { data?: unknown; error?: unknown; response: Response }

/** What a facade call adds: its operation, its name for messages and its per-call options. */
interface FacadeCall { operation: OperationMetadata; name: string; options: RequestOptions }

export type Call = (method: string, template: string, init: CallInit, facade?: FacadeCall) => Promise<CallResult>;

const parseModes = new Set(['json', 'text', 'blob', 'arrayBuffer', 'stream']);
/** Methods whose requests outside the spec may be resent; the spec's own operations say it in their metadata. */
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

interface CallerOptions {
  /** openapi-fetch, with the client's base URL and serializers; `headers`, the client's own, go to its origin only. */
  inner: Client<Record<string, never>>;
  headers: HeadersOptions | undefined;
  send: Send;
  api: URL;
  deprecations: DeprecationReporter;
  secrets: Secrets;
  log: Log;
}

/** A copy of `error` (same class and fields) that also carries `details`; built anew, like every TogaiError. */
function withDetails(error: TogaiError, details: ErrorDetails): TogaiError {
  const ErrorClass = error.constructor as new (message: string, details: object) => TogaiError;
  const { name: _name, ...own } = error as TogaiError & Record<string, unknown>;
  const fields = { ...own, headers: (error as { headers?: unknown }).headers, ...details };
  return new ErrorClass(error.message, error.cause === undefined ? fields : { ...fields, cause: error.cause });
}

/** Throws a TogaiValidationError unless the call's own options can be sent as they are. */
function assertSendable(method: string, template: unknown, init: CallInit, facade?: FacadeCall): asserts template is string {
  if (typeof template !== 'string') throw new TogaiValidationError('The path of an api call must be a string.');
  // openapi-fetch joins base URL and path as text: without the slash, `.evil.example/x` would change the host.
  // A second slash or a backslash after it reads as another host to many a URL parser: refused too.
  if (!/^\/(?![/\\])/.test(template)) throw new TogaiValidationError(`The path of an api call must start with one "/", got ${JSON.stringify(template.slice(0, 60))}.`);
  if (/[?#]/.test(template)) throw new TogaiValidationError('The path of an api call holds no query or fragment ("?" or "#"): pass params.query.');
  if (typeof init !== 'object' || init === null) throw new TogaiValidationError('The options of an api call must be an object.');
  if (init.fetch !== undefined) throw new TogaiValidationError('A call cannot bring its own fetch: pass `fetch` to createTogaiClient.');
  if (init.parseAs !== undefined && !parseModes.has(init.parseAs as string)) {
    throw new TogaiValidationError(`parseAs must be one of ${[...parseModes].join(', ')}, got ${JSON.stringify(String(init.parseAs)).slice(0, 40)}.`);
  }
  if (init.signal !== undefined && init.signal !== null && !(init.signal instanceof AbortSignal)) throw new TogaiValidationError('signal must be an AbortSignal.');
  if (init.body !== undefined && (method === 'GET' || method === 'HEAD')) throw new TogaiValidationError(`A ${method} request cannot have a body.`);
  assertSendableHeaders(init.headers, 'headers', TogaiValidationError);
  assertSendableHeaders(init.params?.header, 'params.header', TogaiValidationError);
  assertPathParams(template, init.params?.path, facade);
}

export function createCaller({ inner, headers, send, api, deprecations, secrets, log }: CallerOptions): Call {
  const request = inner.request as unknown as (method: string, template: string, init: object) => Promise<CallResult>;
  const apiBase = api.href.replace(/\/$/, '');
  const apiPrefix = `${api.origin}/`;

  return async function call(method, template, init, facade) {
    assertSendable(method, template, init, facade);
    const operation = facade?.operation ?? byRoute.get(`${method} ${template}`);
    const origin = init.baseUrl === undefined ? api : parseBaseUrl(init.baseUrl, TogaiValidationError);
    const originPrefix = origin === api ? apiPrefix : `${origin.origin}/`;
    const tuning = facade && pickTuning(facade.options, TogaiValidationError);
    const keyed = operation && withGeneratedKeys(init.body, operation, facade?.options.idempotencyKey, facade?.name ?? operation.operationId);
    const keysOf = keyed?.keys;
    const idempotent = operation ? operation.idempotent || keysOf !== undefined : safeMethods.has(method);
    const context = { idempotent, tuning, signal: init.signal as AbortSignal | undefined };
    const pathOf = () => fillPath(template, init.params?.path);
    if (operation) deprecations.operationCalled(operation);
    // The caller's parse mode, by default JSON (a Blob for a download). JSON is read from text below, so that a body that
    // is not JSON is a TogaiResponseParseError, not a SyntaxError.
    const parseAs = init.parseAs ?? (operation?.download ? 'blob' : 'json');
    const started = log.at('error') ? performance.now() : 0;
    const took = () => Math.round(performance.now() - started);
    let result: CallResult;
    try {
      result = await request(method, template, {
        ...init,
        ...(keyed && { body: keyed.body }),
        signal: undefined, // the transport follows the caller's signal; a Request would hold a listener on it until GC
        ...(keyed?.body instanceof SerializedBody && { bodySerializer: () => (keyed.body as SerializedBody).text }),
        baseUrl: origin === api ? apiBase : origin.href.replace(/\/$/, ''),
        headers: origin === api && headers ? mergeHeaders(headers, init.headers as HeadersOptions) : init.headers,
        parseAs: parseAs === 'json' ? 'text' : parseAs,
        fetch: async (built: Request) => {
          // Whatever the path, the request stays on the origin (URLs are normalized: a prefix test; the slash stops
          // `host.evil.example`), where the credential may go.
          if (!built.url.startsWith(originPrefix)) throw new TogaiValidationError(`${method} ${pathOf()} would leave ${origin.origin}; nothing was sent.`);
          const response = await send(built, context);
          // A credential the API issues (a portal token) is blotted out of all this client shows from now on, however
          // the caller reads the body (`parseAs`).
          const issued = operation?.secretFields.length && response.ok && (await response.clone().json().catch(() => undefined));
          for (const field of issued ? operation!.secretFields : []) if (typeof issued[field] === 'string') secrets.add(issued[field]);
          return response;
        },
      });
    } catch (caught) {
      // openapi-fetch's serializers and Request itself throw plain errors for input they cannot encode.
      const path = pathOf();
      const error =
        caught instanceof TogaiError
          ? caught
          : new TogaiValidationError(`${method} ${path} cannot be sent: ${caught instanceof Error ? caught.message.split('\n')[0] : String(caught)}`, { cause: caught });
      log.write(error instanceof TogaiConnectionError ? 'error' : 'info', `${method} ${path} → ${error.name} after ${took()} ms`, { method, path });
      throw keysOf ? withDetails(error, { idempotencyKeys: keysOf() }) : error;
    }
    const { response } = result;
    const { status } = response;
    deprecations.responseReceived(response, method, template, operation);
    const level = status >= 500 ? 'error' : 'info';
    if (log.at(level)) log.write(level, `${method} ${pathOf()} → ${status} in ${took()} ms`, { method, path: pathOf(), status });
    if (!response.ok) {
      if (!facade) return result;
      throw apiErrorFor({ status, body: result.error, headers: response.headers, method, path: pathOf() }, secrets.redact, { idempotencyKeys: keysOf?.() });
    }
    let data = result.data;
    if (typeof data === 'string' && parseAs === 'json') {
      try {
        data = data === '' ? undefined : JSON.parse(data); // undefined for an empty body, as openapi-fetch does
      } catch {
        // The SyntaxError is not kept as the cause: its message quotes the body, which may echo anything.
        const path = pathOf();
        throw new TogaiResponseParseError(`${method} ${path} answered ${status} with a body that is not valid JSON.`, { status, method, path, idempotencyKeys: keysOf?.() });
      }
    }
    // openapi-fetch has no data for a body of Content-Length 0; an empty file is still a file.
    if (parseAs === 'blob' && data === undefined) data = new Blob([], { type: response.headers.get('content-type') ?? '' });
    // A facade call promises JSON, but for a 204 (no body by definition) and a download (its data is a Blob).
    if (facade && data === undefined && status !== 204) {
      const path = pathOf();
      throw new TogaiResponseParseError(`${method} ${path} answered ${status} with an empty body; expected JSON.`, { status, method, path, idempotencyKeys: keysOf?.() });
    }
    return { data, response };
  };
}
