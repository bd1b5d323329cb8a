// The facade, `client.<resource>.<method>()`: one method per `x-sdk-resource`/`x-sdk-method` pair of the spec, routed
// to the operation of the client's path variant; it returns an APIPromise of the parsed body (a PagedList for lists).
// Routing comes from generated/operations.ts, types from generated/areas/: a new operation needs only `npm run generate`.
import type { Facade } from '../../generated/facade.js';
import { TogaiValidationError, TogaiVariantError } from '../core/errors.js';
import { APIPromise, type WithResponse } from './api-promise.js';
import type { Call, CallInit } from './call.js';
import { camelCase, facadeResources, type OperationMetadata, type Variant } from './operations.js';
import type { RequestOptions } from './options.js';
import { PagedList } from './pagination.js';

type Args = Record<string, unknown> & { query?: Record<string, unknown>; body?: unknown };
type FacadeFunction = (args?: Args, options?: RequestOptions) => APIPromise<unknown>;

const otherVariant = (variant: Variant): Variant => (variant === 'flat' ? 'customer-scoped' : 'flat');

function unavailable(name: string, variant: Variant, other: OperationMetadata): TogaiVariantError {
  const advice = other.alternative
    ? `use ${other.resource}.${other.alternative}() instead, or create a client with pathStyle: '${other.variant}'`
    : `create a client with pathStyle: '${other.variant}' to call it`;
  return new TogaiVariantError(`${name}() exists only on ${other.variant} paths (${other.method} ${other.path}), but this client uses ${variant} paths; ${advice}.`);
}

export function createFacade<S extends Variant>(call: Call, variant: S): Facade<S> {
  function facadeMethod(name: string, variants: Partial<Record<Variant, OperationMetadata>>): FacadeFunction {
    const operation = variants[variant];
    const other = variants[otherVariant(variant)];
    const { pagination, path } = (operation ?? other)!;
    // Bad input never sends a request; the error surfaces where the caller awaits or iterates, like any API error.
    const fail = (error: unknown) => (pagination ? new PagedList(pagination, () => Promise.reject(error), path) : new APIPromise<unknown>(() => Promise.reject(error)));
    if (!operation) return () => fail(unavailable(name, variant, other!));
    let params: (readonly [string, string])[] | undefined; // path parameter → argument, made on the first call
    /** One request of the call: the arguments as openapi-fetch options, the answer's body or its error. */
    const send = (args: Args, options: RequestOptions) => {
      params ??= Object.keys(operation.pathParams).map((param) => [param, camelCase(param)] as const);
      const path: Record<string, unknown> = {};
      for (const [param, argument] of params) path[param] = args[argument];
      const init: CallInit = { params: { path, query: args.query }, body: args.body, headers: options.headers, signal: options.signal };
      return call(operation.method, operation.path, init, { operation, name, options }) as Promise<WithResponse<unknown>>;
    };
    return (args = {}, options = {}) => {
      if (typeof args !== 'object' || args === null) return fail(new TogaiValidationError(`${name}() takes an object of arguments.`));
      if (typeof options !== 'object' || options === null) return fail(new TogaiValidationError(`${name}() takes an object of options.`));
      if (!pagination) return new APIPromise(() => send(args, options));
      const { tokenParam } = pagination;
      return new PagedList(pagination, (token) => send(token === undefined ? args : { ...args, query: { ...args.query, [tokenParam]: token } }, options), path);
    };
  }

  const facade: Record<string, Record<string, FacadeFunction>> = {};
  for (const [resource, methods] of facadeResources) {
    const functions: Record<string, FacadeFunction> = {};
    for (const [sdkMethod, variants] of methods) functions[sdkMethod] = facadeMethod(`${resource}.${sdkMethod}`, variants);
    facade[resource] = functions;
  }
  return facade as unknown as Facade<S>;
}
