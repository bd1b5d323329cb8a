// Lookups over the generated operation metadata. Everything the SDK knows about an operation (variant,
// deprecation, limits, pagination, what may be resent) is read from here, never restated by hand.
import { operations, type OperationMetadata, type Variant } from '../../generated/operations.js';

export type { OperationMetadata, Variant };

const byRoute = new Map<string, OperationMetadata>();
const byPath = new Map<string, OperationMetadata>();
/** resource → facade method → the operation it calls in each path variant. */
const byResource = new Map<string, Map<string, Partial<Record<Variant, OperationMetadata>>>>();

for (const operation of Object.values(operations) as OperationMetadata[]) {
  byRoute.set(`${operation.method} ${operation.path}`, operation);
  byPath.set(operation.path, operation); // path parameters belong to the path item, so any method will do
  const methods = byResource.get(operation.resource) ?? new Map<string, Partial<Record<Variant, OperationMetadata>>>();
  methods.set(operation.sdkMethod, { ...methods.get(operation.sdkMethod), [operation.variant]: operation });
  byResource.set(operation.resource, methods);
}

/** The operation behind a raw-client call such as `api.GET('/accounts/{account_id}')`. */
export function operationForRoute(method: string, path: string): OperationMetadata | undefined {
  return byRoute.get(`${method} ${path}`);
}

/** An operation on this path template, for what all its methods share (the path parameters). */
export function operationForPath(path: string): OperationMetadata | undefined {
  return byPath.get(path);
}

/** The facade's resources, each with its methods and the operations behind them per variant. */
export const facadeResources: ReadonlyMap<string, ReadonlyMap<string, Partial<Record<Variant, OperationMetadata>>>> = byResource;

const camelNames = new Map<string, string>();

/** `account_id` → `accountId`: the facade's name for a path parameter (memoized: it runs on every call). */
export function camelCase(name: string): string {
  let camel = camelNames.get(name);
  if (camel === undefined) {
    camel = name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
    camelNames.set(name, camel);
  }
  return camel;
}
