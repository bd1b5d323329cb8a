// Derives the SDK's operation metadata from the bundled spec, so src/ never restates what the spec knows
// (methods, paths, variants, deprecations, path-parameter limits, pagination, idempotency keys).

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Follows a local `#/...` reference inside the bundle. */
export function deref(bundle, node) {
  let current = node;
  for (let hops = 0; current && current.$ref && hops < 32; hops += 1) {
    const pointer = current.$ref.replace(/^#\//, '').split('/');
    current = pointer.reduce((value, key) => value?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], bundle);
  }
  return current;
}

function successResponse(operation) {
  const status = Object.keys(operation.responses ?? {}).find((code) => /^2\d\d$/.test(code));
  if (!status) throw new Error(`${operation.operationId} has no 2xx response`);
  return { status: Number(status), response: operation.responses[status] };
}

function jsonSchemaOf(bundle, holder) {
  const resolved = deref(bundle, holder);
  return deref(bundle, resolved?.content?.['application/json']?.schema);
}

function pathParameterLimits(bundle, parameters) {
  const limits = {};
  for (const parameter of parameters.map((p) => deref(bundle, p)).filter((p) => p.in === 'path')) {
    const schema = deref(bundle, parameter.schema) ?? {};
    limits[parameter.name] = {
      minLength: schema.minLength ?? 1,
      ...(schema.maxLength !== undefined && { maxLength: schema.maxLength }),
      ...(schema.pattern !== undefined && { pattern: schema.pattern }),
    };
  }
  return limits;
}

/** A list is paginated when it takes a `nextToken` query parameter and answers `{ data: [], nextToken }`. */
function paginationOf(bundle, queryNames, responseSchema) {
  const properties = responseSchema?.properties ?? {};
  if (!queryNames.includes('nextToken') || !properties.nextToken || deref(bundle, properties.data)?.type !== 'array') {
    return null;
  }
  return {
    tokenParam: 'nextToken',
    tokenField: 'nextToken',
    itemsField: 'data',
    pageSizeParam: queryNames.includes('pageSize') ? 'pageSize' : null,
  };
}

export function collectOperations(bundle) {
  const operations = {};
  for (const [path, rawItem] of Object.entries(bundle.paths)) {
    const item = deref(bundle, rawItem);
    for (const method of methods.filter((m) => item[m])) {
      const operation = item[method];
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])];
      const queryNames = parameters.map((p) => deref(bundle, p)).filter((p) => p.in === 'query').map((p) => p.name);
      const { status, response } = successResponse(operation);
      const bodySchema = operation.requestBody ? jsonSchemaOf(bundle, operation.requestBody) : null;
      const variant = operation['x-togai-variant'];
      if (variant !== 'flat' && variant !== 'customer-scoped') {
        throw new Error(`${operation.operationId}: x-togai-variant must be 'flat' or 'customer-scoped'`);
      }
      if (operations[operation.operationId]) throw new Error(`duplicate operationId ${operation.operationId}`);
      operations[operation.operationId] = {
        operationId: operation.operationId,
        method: method.toUpperCase(),
        path,
        variant,
        sdkMethod: operation['x-sdk-method'],
        alternative: operation['x-togai-alternative'] ?? null,
        deprecated: operation.deprecated === true,
        summary: operation.summary,
        tag: operation.tags?.[0] ?? null,
        server: (operation.servers ?? item.servers ?? bundle.servers)[0].url,
        pathParams: pathParameterLimits(bundle, parameters),
        queryParams: queryNames,
        hasBody: Boolean(operation.requestBody),
        successStatus: status,
        pagination: paginationOf(bundle, queryNames, jsonSchemaOf(bundle, response)),
        idempotencyKeyField: bodySchema?.properties?.idempotencyKey ? 'idempotencyKey' : null,
      };
    }
  }
  return operations;
}

/** The default host of each variant, taken from the path items' `servers`. */
export function collectServers(operations) {
  const servers = {};
  for (const { variant, server } of Object.values(operations)) {
    if (servers[variant] && servers[variant] !== server) throw new Error(`variant ${variant} has two servers`);
    servers[variant] = server;
  }
  return servers;
}

/** One JSDoc'd member per facade method, mapping each path variant to the operation it calls. */
function renderSdkMethods(operations) {
  const groups = new Map();
  for (const operation of Object.values(operations)) {
    groups.set(operation.sdkMethod, [...(groups.get(operation.sdkMethod) ?? []), operation]);
  }
  const members = [...groups].map(([sdkMethod, variants]) => {
    const lines = variants.map(
      (op) =>
        ` * - ${op.variant}: \`${op.method} ${op.path}\` (${op.operationId})${op.deprecated ? ' — **deprecated**' : ''}`,
    );
    const only = variants.length === 1 ? [` *`, ` * Exists only on ${variants[0].variant} paths.`] : [];
    const entries = variants.map((op) => `'${op.variant}': '${op.operationId}'`).join('; ');
    return [`/**`, ` * ${variants[0].summary}.`, ` *`, ...lines, ...only, ` */`, `${sdkMethod}: { ${entries} };`].join('\n');
  });
  return `export interface SdkMethods {\n${members.join('\n')}\n}`;
}

export function renderOperationsModule(bundle) {
  const operations = collectOperations(bundle);
  const json = (value) => JSON.stringify(value, null, 2);
  return `
export type Variant = 'flat' | 'customer-scoped';

export interface PathParamLimits {
  readonly minLength: number;
  readonly maxLength?: number;
  readonly pattern?: string;
}

export interface PaginationMetadata {
  readonly tokenParam: string;
  readonly tokenField: string;
  readonly itemsField: string;
  readonly pageSizeParam: string | null;
}

export interface OperationMetadata {
  readonly operationId: string;
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'OPTIONS' | 'HEAD' | 'PATCH' | 'TRACE';
  readonly path: string;
  readonly variant: Variant;
  /** Name of the \`client.accounts\` facade method that calls this operation (\`x-sdk-method\`). */
  readonly sdkMethod: string;
  /** Facade method of the nearest equivalent in the other variant (\`x-togai-alternative\`). */
  readonly alternative: string | null;
  readonly deprecated: boolean;
  readonly summary: string;
  readonly tag: string | null;
  /** Default host of the operation's variant. */
  readonly server: string;
  readonly pathParams: Readonly<Record<string, PathParamLimits>>;
  readonly queryParams: readonly string[];
  readonly hasBody: boolean;
  readonly successStatus: number;
  readonly pagination: PaginationMetadata | null;
  /** Request-body property that carries an idempotency key, when the operation has one. */
  readonly idempotencyKeyField: string | null;
}

export const servers = ${json(collectServers(operations))} as const satisfies Record<Variant, string>;

export const operations = ${json(operations)} as const satisfies Record<string, OperationMetadata>;

export type OperationId = keyof typeof operations;

/** Facade methods of \`client.accounts\` and the operation each one calls in each path variant. */
${renderSdkMethods(operations)}
`;
}
