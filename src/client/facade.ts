// The facade, `client.<resource>.<method>()`: one plain method per `x-sdk-resource`/`x-sdk-method` pair of the spec.
// Each routes to the operation of the client's path variant, returns an APIPromise of the parsed body (a PagedList
// for lists) and throws typed errors. Routing comes from generated/operations.ts and the types from
// generated/areas/, so a new operation in the spec appears here after `npm run generate`.
import type { Facade } from '../../generated/facade.js';
import { TogaiResponseParseError, TogaiValidationError, TogaiVariantError } from '../core/errors.js';
import { APIPromise, type WithResponse } from './api-promise.js';
import type { Call, CallInit } from './call.js';
import { camelCase, facadeResources, type OperationMetadata, type Variant } from './operations.js';
import type { RequestOptions } from './options.js';
import { PagedList } from './pagination.js';
import { fillPath } from './path-params.js';

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
  /** One request of a facade call: the arguments as openapi-fetch options, the answer's body or its error. */
  async function send(operation: OperationMetadata, name: string, args: Args, options: RequestOptions): Promise<WithResponse<unknown>> {
    const path: Record<string, unknown> = {};
    for (const param in operation.pathParams) path[param] = args[camelCase(param)];
    const init: CallInit = { params: { path, query: args.query }, body: args.body, headers: options.headers, signal: options.signal };
    const { data, response } = await call(operation.method, operation.path, init, { operation, name, options });
    // 204 has no body by definition, and a download's data is its Blob; any other success promises JSON.
    if (data === undefined && response.status !== 204) {
      const { method } = operation;
      const where = fillPath(operation.path, path);
      throw new TogaiResponseParseError(`${method} ${where} answered ${response.status} with an empty body; expected JSON.`, { status: response.status, method, path: where });
    }
    return { data, response };
  }

  function facadeMethod(name: string, variants: Partial<Record<Variant, OperationMetadata>>): FacadeFunction {
    const operation = variants[variant];
    const pagination = (operation ?? variants[otherVariant(variant)])!.pagination;
    return (args = {}, options = {}) => {
      // Bad input never sends a request; the error surfaces where the caller awaits or iterates, like any API error.
      const fail = (error: unknown) => (pagination ? new PagedList(pagination, () => Promise.reject(error)) : new APIPromise<unknown>(() => Promise.reject(error)));
      if (!operation) return fail(unavailable(name, variant, variants[otherVariant(variant)]!));
      if (typeof args !== 'object' || args === null) return fail(new TogaiValidationError(`${name}() takes an object of arguments.`));
      if (typeof options !== 'object' || options === null) return fail(new TogaiValidationError(`${name}() takes an object of options.`));
      if (!operation.pagination) return new APIPromise(() => send(operation, name, args, options));
      const { tokenParam } = operation.pagination;
      return new PagedList(operation.pagination, (token) =>
        send(operation, name, token === undefined ? args : { ...args, query: { ...args.query, [tokenParam]: token } }, options),
      );
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
