// The facade, `client.<resource>.<method>()`: one plain async method per `x-sdk-resource`/`x-sdk-method` pair of
// the spec. Each routes to the operation of the client's path variant, returns the parsed body and throws typed
// errors. Types and routing both come from generated/, so a new operation in the spec appears here after
// `npm run generate`.
import type { Client } from 'openapi-fetch';
import type { operations as metadata, SdkResources, Variant } from '../generated/operations.js';
import type { operations as OperationTypes, paths } from '../generated/schema.js';
import {
  apiErrorFor,
  TogaiResponseParseError,
  TogaiValidationError,
  TogaiVariantError,
  type ErrorResponse,
} from './errors.js';
import { createIngester, type Ingester, type IngesterOptions } from './ingester.js';
import { camelCase, facadeResources, type OperationMetadata } from './operations.js';
import type { Tuning } from './options.js';
import { pagedList, type PagedList, type WithResponse } from './pagination.js';
import { callOptionsInitKey } from './retry.js';
import { assertValidPathParams, fillPath } from './validation.js';

/** Per-call options; each overrides the client's setting for this call only (same ranges, see README). */
export interface RequestOptions extends Partial<Tuning> {
  /** Aborts the call and every further retry at once. */
  signal?: AbortSignal | undefined;
  /** For operations whose body has `idempotencyKey` (purchases): the key to send instead of a generated one. */
  idempotencyKey?: string | undefined;
  /** Extra request headers. */
  headers?: Record<string, string> | undefined;
}

// ---- Types derived from the generated operation types -------------------------------------------------

type OperationId = keyof OperationTypes;
type Metadata = typeof metadata;

type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

type PathArgs<K extends OperationId> = OperationTypes[K]['parameters'] extends { path: infer P }
  ? { [N in keyof P & string as CamelCase<N>]: P[N] }
  : unknown;

type QueryOf<K extends OperationId> = NonNullable<OperationTypes[K]['parameters']['query']>;
/** `query` is required when the operation has a required query parameter (a schedule list's `mode`). */
type QueryArgs<K extends OperationId> = [QueryOf<K>] extends [never]
  ? unknown
  : {} extends QueryOf<K>
    ? { query?: QueryOf<K> }
    : { query: QueryOf<K> };

type RequestBodyOf<K extends OperationId> = OperationTypes[K] extends { requestBody?: infer R } ? R : never;
type BodyArgs<K extends OperationId> = [NonNullable<RequestBodyOf<K>>] extends [never]
  ? unknown
  : NonNullable<RequestBodyOf<K>> extends { content: { 'application/json': infer B } }
    ? undefined extends RequestBodyOf<K>
      ? { body?: B }
      : { body: B }
    : unknown;

/** The arguments of a facade call: camelCased path parameters, then `query` and `body` where the operation has them. */
export type OperationArgs<K extends OperationId> = PathArgs<K> & QueryArgs<K> & BodyArgs<K>;

type Responses<K extends OperationId> = OperationTypes[K]['responses'];
/** The parsed success body of an operation. */
export type OperationResult<K extends OperationId> = {
  [S in keyof Responses<K>]: S extends 200 | 201 | 202 | 203
    ? Responses<K>[S] extends { content: { 'application/json': infer B } }
      ? B
      : undefined
    : never;
}[keyof Responses<K>];

type PaginatedOperationId = {
  [K in keyof Metadata]: Metadata[K]['pagination'] extends null ? never : K;
}[keyof Metadata];

type ItemOf<Body> = Body extends { data?: (infer Item)[] } ? Item : never;

/** A facade call's promise: resolves to the parsed body; `.withResponse()` also gives the HTTP response. */
export interface APIPromise<T> extends Promise<T> {
  withResponse(): Promise<WithResponse<T>>;
}

type ReturnOf<K extends OperationId> = K extends PaginatedOperationId
  ? PagedList<ItemOf<OperationResult<K>>, OperationResult<K>>
  : APIPromise<OperationResult<K>>;

type HasRequiredKeys<T> = {} extends T ? false : true;

export type FacadeMethod<K extends OperationId> =
  HasRequiredKeys<OperationArgs<K>> extends true
    ? (args: OperationArgs<K>, options?: RequestOptions) => ReturnOf<K>
    : (args?: OperationArgs<K>, options?: RequestOptions) => ReturnOf<K>;

/** True when the path variant is not known at compile time (a union of both). */
type IsUnknownVariant<S extends Variant> = [Variant] extends [S] ? true : false;

/** Whether a facade method is listed for a client on variant `S`: every method when the variant is unknown. */
type Listed<S extends Variant, Variants> = IsUnknownVariant<S> extends true ? true : S extends keyof Variants ? true : false;

type MethodIn<S extends Variant, Variants> = S extends keyof Variants
  ? Variants[S] extends OperationId
    ? FacadeMethod<Variants[S]>
    : never
  : never;

/**
 * One resource of the facade for a client on path variant `S`. A client whose variant is a literal type lists only
 * the methods it can call; one whose variant is known only at run time lists all, and rejects the other variant's
 * with a TogaiVariantError.
 */
export type ResourceFacade<S extends Variant, R extends keyof SdkResources> = {
  [M in keyof SdkResources[R] as Listed<S, SdkResources[R][M]> extends true ? M : never]: MethodIn<S, SdkResources[R][M]>;
};

/** Methods the facade adds to a resource beyond the spec's operations: `events.createIngester()`, wherever `ingestBatch` is listed. */
type ResourceExtras<S extends Variant, R extends keyof SdkResources> = R extends 'events'
  ? Listed<S, SdkResources['events']['ingestBatch']> extends true
    ? { createIngester(options?: IngesterOptions): Ingester }
    : unknown
  : unknown;

/** Every resource that has at least one method for variant `S`. */
export type Facade<S extends Variant> = {
  readonly [R in keyof SdkResources as [keyof ResourceFacade<S, R>] extends [never] ? never : R]: ResourceFacade<S, R> &
    ResourceExtras<S, R>;
};

/** `client.accounts` for a client on path variant `S`. */
export type AccountsFacade<S extends Variant> = ResourceFacade<S, 'accounts'>;

// ---- Runtime ------------------------------------------------------------------------------------------

type AnyArgs = Record<string, unknown> & { query?: Record<string, unknown>; body?: unknown };

const otherVariant = (variant: Variant): Variant => (variant === 'flat' ? 'customer-scoped' : 'flat');

function unavailable(name: string, variant: Variant, other: OperationMetadata): TogaiVariantError {
  const advice = other.alternative
    ? `use ${other.resource}.${other.alternative}() instead, or create a client with pathStyle: '${other.variant}'`
    : `create a client with pathStyle: '${other.variant}' to call it`;
  return new TogaiVariantError(
    `${name}() exists only on ${other.variant} paths (${other.method} ${other.path}), ` +
      `but this client uses ${variant} paths; ${advice}.`,
  );
}

function normalizeErrorBody(error: unknown): ErrorResponse | string | undefined {
  if (error === undefined || error === null || error === '') return undefined;
  if (typeof error === 'object' && !Array.isArray(error)) return error as ErrorResponse;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

/** The path as sent, for error messages (computed only when one is needed). */
function concretePath(operation: OperationMetadata, params: Record<string, unknown>): string {
  return fillPath(operation.path, params);
}

function parseSuccess(text: unknown, response: Response, operation: OperationMetadata, params: Record<string, unknown>): unknown {
  if (response.status === 204) return undefined;
  const fail = (problem: string) => {
    const { method } = operation;
    const path = concretePath(operation, params);
    return new TogaiResponseParseError(`${method} ${path} answered ${response.status} with ${problem}.`, response.status, method, path);
  };
  if (typeof text !== 'string' || text.trim() === '') throw fail('an empty body; expected JSON');
  try {
    return JSON.parse(text);
  } catch {
    // The SyntaxError is not kept as the cause: its message quotes the body, which may echo anything.
    throw fail('a body that is not valid JSON');
  }
}

/** The data-first promise of a facade call, with `.withResponse()` for the whole answer. */
function apiPromise<T>(sent: Promise<WithResponse<T>>): APIPromise<T> {
  const data = sent.then((result) => result.data) as APIPromise<T>;
  // A caller who only uses withResponse() handles the rejection there; do not report it twice as unhandled.
  data.catch(() => undefined);
  data.withResponse = () => sent;
  return data;
}

type FacadeFunction = (args?: AnyArgs, options?: RequestOptions) => unknown;

export function createFacade<S extends Variant>(api: Client<paths, `${string}/${string}`>, variant: S): Facade<S> {
  async function send(operation: OperationMetadata, params: Record<string, unknown>, args: AnyArgs, options: RequestOptions): Promise<WithResponse<unknown>> {
    // Only the body carries the key; the middleware sees it there and marks the request safe to resend.
    const body =
      options.idempotencyKey !== undefined && operation.idempotencyKeyField && args.body && typeof args.body === 'object'
        ? { ...args.body, [operation.idempotencyKeyField]: options.idempotencyKey }
        : args.body;
    const { data, error, response } = await (api.request as (...a: unknown[]) => Promise<{ data?: unknown; error?: unknown; response: Response }>)(
      operation.method,
      operation.path,
      {
        params: { path: params, query: args.query },
        body,
        headers: options.headers,
        signal: options.signal,
        parseAs: 'text',
        [callOptionsInitKey]: options, // the raw-api guard checks and keeps only the tuning fields
      },
    );
    if (response.ok) return { data: parseSuccess(data, response, operation, params), response };
    throw apiErrorFor({
      status: response.status,
      body: normalizeErrorBody(error),
      headers: response.headers,
      method: operation.method,
      path: concretePath(operation, params),
    });
  }

  function facadeMethod(name: string, variants: Partial<Record<Variant, OperationMetadata>>): FacadeFunction {
    const operation = variants[variant];
    const pagination = operation?.pagination ?? null;
    // Bad input never sends a request; the error surfaces where the caller awaits, like any API error.
    const fail = (error: unknown) =>
      pagination ? pagedList(pagination, () => Promise.reject(error)) : apiPromise(Promise.reject(error));
    return (args = {}, options = {}) => {
      if (!operation) return fail(unavailable(name, variant, variants[otherVariant(variant)] as OperationMetadata));
      if (typeof args !== 'object' || args === null) {
        return fail(new TogaiValidationError(`${name}() takes an object of arguments.`));
      }
      if (typeof options !== 'object' || options === null) {
        return fail(new TogaiValidationError(`${name}() takes an object of options.`));
      }
      if (options.idempotencyKey !== undefined && !operation.idempotencyKeyField) {
        // Accepting it would promise a safe retry that nothing on the wire backs up.
        return fail(new TogaiValidationError(`${name}() takes no idempotency key (its request body has none).`));
      }
      const params: Record<string, unknown> = {};
      try {
        for (const param in operation.pathParams) params[param] = args[camelCase(param)];
        assertValidPathParams(operation, params, (param) => `${name}() argument ${camelCase(param)}`);
      } catch (error) {
        return fail(error);
      }
      if (!pagination) return apiPromise(send(operation, params, args, options));
      return pagedList(pagination, (token) =>
        send(operation, params, token === undefined ? args : { ...args, query: { ...args.query, [pagination.tokenParam]: token } }, options),
      );
    };
  }

  const facade: Record<string, Record<string, FacadeFunction>> = {};
  for (const [resource, methods] of facadeResources) {
    const functions: Record<string, FacadeFunction> = {};
    for (const [sdkMethod, variants] of methods) functions[sdkMethod] = facadeMethod(`${resource}.${sdkMethod}`, variants);
    facade[resource] = functions;
  }
  // The batching ingester rides on events.ingestBatch, so it exists where that operation does.
  const ingestBatch = facadeResources.get('events')?.get('ingestBatch');
  if (ingestBatch) {
    const send = facade.events!.ingestBatch as unknown as Parameters<typeof createIngester>[0];
    (facade.events as Record<string, unknown>).createIngester = (options?: IngesterOptions) => {
      if (!ingestBatch[variant]) throw unavailable('events.createIngester', variant, ingestBatch[otherVariant(variant)]!);
      return createIngester(send, options);
    };
  }
  return facade as unknown as Facade<S>;
}
