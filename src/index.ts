// Public entry point of the SDK.
export { createTogaiClient } from './client.js';
export type { TogaiApi, TogaiClient, TogaiClientOptions, TogaiClientOverrides } from './client.js';
export type { AccountsFacade, FacadeMethod, OperationArgs, OperationResult, RequestOptions } from './facade.js';
export type { DeprecationNotice } from './deprecation.js';
export type { Page, PagedList } from './pagination.js';
export type { Environment, PathStyle } from './variants.js';
export { environments } from './variants.js';
export {
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  TogaiAbortError,
  TogaiApiError,
  TogaiConfigurationError,
  TogaiConnectionError,
  TogaiError,
  TogaiResponseParseError,
  TogaiTimeoutError,
  TogaiValidationError,
  TogaiVariantError,
} from './errors.js';
export type { ErrorResponse } from './errors.js';
export type { RequestViolation } from './violations.js';
export { operations, servers } from '../generated/operations.js';
export type { OperationMetadata, SdkMethods, Variant } from '../generated/operations.js';
export type { components, operations as OperationTypes, paths } from '../generated/schema.js';
