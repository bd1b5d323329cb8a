// Lookups over the generated operation metadata. Everything the SDK knows about an operation (variant,
// deprecation, limits, pagination, what may be resent) is read from here, never restated by hand.
import { operations, type OperationMetadata, type Variant } from '../../generated/operations.js';

export type { OperationMetadata, Variant };

/** The operation behind a raw-client call, by method and path: `GET /accounts/{account_id}`. */
export const byRoute = new Map<string, OperationMetadata>();
/** An operation on each path template, for what all its methods share (the path parameters). */
export const byPath = new Map<string, OperationMetadata>();
/** The facade's resources, each with its methods and the operation behind each per variant. */
export const facadeResources = new Map<string, Map<string, Partial<Record<Variant, OperationMetadata>>>>();

for (const operation of Object.values(operations) as OperationMetadata[]) {
  byRoute.set(`${operation.method} ${operation.path}`, operation);
  byPath.set(operation.path, operation);
  const methods = facadeResources.get(operation.resource) ?? new Map<string, Partial<Record<Variant, OperationMetadata>>>();
  methods.set(operation.sdkMethod, { ...methods.get(operation.sdkMethod), [operation.variant]: operation });
  facadeResources.set(operation.resource, methods);
}

/** `account_id` → `accountId`: the facade's name for a path parameter. */
export const camelCase = (name: string) => name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
