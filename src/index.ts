// Public entry point of the SDK. The batching ingester has its own entry, `togai-sdk-unofficial/ingester`, so
// that an app which never ingests in batches does not carry it.
export { createTogaiClient } from './client/create-client.js';
export type { TogaiApi, TogaiClient, TogaiClientCore, TogaiClientOptions, TogaiClientOverrides } from './client/create-client.js';
export { APIPromise, type WithResponse } from './client/api-promise.js';
export { PagedList, type Page } from './client/pagination.js';
export type { RequestOptions } from './client/options.js';
export type { DeprecationNotice } from './client/deprecations.js';
export { environments, type Environment, type PathStyle } from './client/variants.js';
export type { Logger, LogLevel } from './core/logging.js';
export * from './core/errors.js';
export { operations, servers, type OperationId, type OperationMetadata, type Variant } from '../generated/operations.js';
export type { components, operations as OperationTypes, paths } from '../generated/schema.js';
// Every schema of the spec under its own name (`import type { Account } from ...`); the facade's types (`Facade`,
// `FlatResources`, ...), each area's resource interface (`InvoicesResource`) and query type (`ListInvoicesQuery`).
export type * from '../generated/models.js';
export type * from '../generated/facade.js';
