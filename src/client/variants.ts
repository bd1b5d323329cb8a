// Environments and path variants. Hosts come from the spec: each variant's path items name their default
// server, and each environment is the host of the variant Togai serves there.
import { servers, type Variant } from '../../generated/operations.js';
import { fromEnvironment, parseBaseUrl } from '../core/checks.js';
import { TogaiConfigurationError } from '../core/errors.js';

export type PathStyle = Variant;
export type Environment = 'production' | 'sandbox';

export const environments: Readonly<Record<Environment, string>> = {
  production: servers.flat,
  sandbox: servers['customer-scoped'],
};

export interface VariantOptions {
  /** `production` (https://api.togai.com, flat paths) or `sandbox` (https://sandbox-api.togai.com, customer-scoped paths). Default `production`. */
  environment?: Environment | undefined;
  /** Overrides the environment's host, e.g. a local mock. Defaults to `TOGAI_BASE_URL`, then the environment's host. */
  baseUrl?: string | undefined;
  /** Which paths the facade calls. Defaults to the environment's own; override it while hosts migrate. */
  pathStyle?: PathStyle | undefined;
}

/** The path style a client will use, from the literal types of its `environment` and `pathStyle` options. */
export type PathStyleFor<E extends Environment | undefined, P extends PathStyle | undefined> = [P] extends [PathStyle]
  ? P
  : E extends 'sandbox'
    ? 'customer-scoped'
    : 'flat';

export function resolveVariant(options: VariantOptions): { environment: Environment; baseUrl: URL; pathStyle: PathStyle } {
  const environment = options.environment ?? 'production';
  if (!Object.hasOwn(environments, environment)) {
    throw new TogaiConfigurationError(`Unknown environment "${String(environment)}"; use 'production' or 'sandbox'.`);
  }
  const pathStyle = options.pathStyle ?? (environment === 'sandbox' ? 'customer-scoped' : 'flat'); // as PathStyleFor
  if (pathStyle !== 'flat' && pathStyle !== 'customer-scoped') {
    throw new TogaiConfigurationError(`Unknown pathStyle "${String(pathStyle)}"; use 'flat' or 'customer-scoped'.`);
  }
  const baseUrl = parseBaseUrl(options.baseUrl ?? fromEnvironment('TOGAI_BASE_URL') ?? environments[environment]);
  return { environment, baseUrl, pathStyle };
}
