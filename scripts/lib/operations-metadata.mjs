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

/** The 2xx response, or for an operation that only redirects (a file download), its 3xx. */
function successResponse(operation) {
  const codes = Object.keys(operation.responses ?? {});
  const status = codes.find((code) => /^2\d\d$/.test(code)) ?? codes.find((code) => /^3\d\d$/.test(code));
  if (!status) throw new Error(`${operation.operationId} has no 2xx or 3xx response`);
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

/**
 * A list is paginated when it takes a `nextToken` query parameter and answers `{ <items>: [], nextToken }`, where
 * the items are `data` or, failing that, the response's only array property (`events` in getEvents).
 */
function paginationOf(bundle, queryNames, responseSchema) {
  const properties = responseSchema?.properties ?? {};
  const arrays = Object.keys(properties).filter((name) => deref(bundle, properties[name])?.type === 'array');
  const itemsField = arrays.includes('data') ? 'data' : arrays.length === 1 ? arrays[0] : null;
  if (!queryNames.includes('nextToken') || !properties.nextToken || !itemsField) return null;
  return {
    tokenParam: 'nextToken',
    tokenField: 'nextToken',
    itemsField,
    pageSizeParam: queryNames.includes('pageSize') ? 'pageSize' : null,
  };
}

/**
 * Body paths the SDK fills with a fresh id before the first attempt when the caller left them empty, so every
 * retry repeats them: `idempotencyKey` at the top level or in the items of a top-level array
 * (`creditRequests[].idempotencyKey`), plus the paths an operation lists in `x-sdk-generated-ids` (event ids,
 * which Togai deduplicates on).
 */
function generatedKeysOf(bundle, bodySchema, operation) {
  const keys = [];
  const properties = bodySchema?.properties ?? {};
  if (properties.idempotencyKey) keys.push('idempotencyKey');
  for (const [name, property] of Object.entries(properties)) {
    const items = deref(bundle, deref(bundle, property)?.items);
    if (items?.properties?.idempotencyKey) keys.push(`${name}[].idempotencyKey`);
  }
  return [...keys, ...(operation['x-sdk-generated-ids'] ?? [])];
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
      const resource = operation['x-sdk-resource'];
      const sdkMethod = operation['x-sdk-method'];
      if (!/^[a-z][A-Za-z0-9]*$/.test(resource ?? '') || !/^[a-z][A-Za-z0-9]*$/.test(sdkMethod ?? '')) {
        throw new Error(`${operation.operationId}: x-sdk-resource and x-sdk-method must be camelCase names`);
      }
      operations[operation.operationId] = {
        // What the runtime needs to route and behave (see runtimeFields).
        operationId: operation.operationId,
        method: method.toUpperCase(),
        path,
        variant,
        resource,
        sdkMethod,
        deprecated: operation.deprecated === true,
        alternative: operation['x-togai-alternative'] ?? null,
        successor: operation['x-sdk-successor'] ?? null,
        pathParams: pathParameterLimits(bundle, parameters),
        pagination: paginationOf(bundle, queryNames, jsonSchemaOf(bundle, response)),
        idempotencyKeyField: bodySchema?.properties?.idempotencyKey ? 'idempotencyKey' : null,
        generatedKeys: generatedKeysOf(bundle, bodySchema, operation),
        retrySafe: operation['x-sdk-idempotent'] === true,
        // Build-time only: docs, samples and tests read these; the runtime table leaves them out.
        summary: operation.summary,
        tag: operation.tags?.[0] ?? null,
        server: (operation.servers ?? item.servers ?? bundle.servers)[0].url,
        queryParams: queryNames,
        hasBody: Boolean(operation.requestBody),
        successStatus: status,
      };
    }
  }
  const facadeNames = new Set(Object.values(operations).map((op) => `${op.resource}.${op.sdkMethod}`));
  for (const op of Object.values(operations)) {
    if (op.successor && !facadeNames.has(op.successor)) throw new Error(`${op.operationId}: x-sdk-successor ${op.successor} is no facade method`);
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

/** Fields of each operation that the runtime needs; everything else stays out of the JS bundle. */
export const runtimeFields = [
  'operationId',
  'method',
  'path',
  'variant',
  'resource',
  'sdkMethod',
  'deprecated',
  'alternative',
  'successor',
  'pathParams',
  'pagination',
  'idempotencyKeyField',
  'generatedKeys',
  'retrySafe',
];

const pick = (operation) => Object.fromEntries(runtimeFields.map((field) => [field, operation[field]]));

/** `@deprecated` text: names the successor's facade method where the spec names one, and nothing it does not know. */
function deprecationTag(operation) {
  return operation.successor ? ` * @deprecated Use \`client.${operation.successor}()\` instead.` : ' * @deprecated';
}

/** resource → facade method → the operations (one per path variant) it calls, in spec order. */
export function groupByResource(operations) {
  const resources = new Map();
  for (const operation of Object.values(operations)) {
    const methods = resources.get(operation.resource) ?? new Map();
    methods.set(operation.sdkMethod, [...(methods.get(operation.sdkMethod) ?? []), operation]);
    resources.set(operation.resource, methods);
  }
  return resources;
}

/** Per resource, one JSDoc'd member per facade method, mapping each path variant to the operation it calls. */
function renderSdkResources(operations) {
  const resources = groupByResource(operations);
  const renderMethod = ([sdkMethod, variants]) => {
    const lines = variants.map(
      (op) => ` * - ${op.variant}: \`${op.method} ${op.path}\` (${op.operationId})${op.deprecated ? ' — deprecated' : ''}`,
    );
    const only = variants.length === 1 ? [` *`, ` * Exists only on ${variants[0].variant} paths.`] : [];
    const deprecated = variants.every((op) => op.deprecated) ? [` *`, deprecationTag(variants[0])] : [];
    const entries = variants.map((op) => `'${op.variant}': '${op.operationId}'`).join('; ');
    return [`/**`, ` * ${variants[0].summary}.`, ` *`, ...lines, ...only, ...deprecated, ` */`, `${sdkMethod}: { ${entries} };`].join('\n');
  };
  const members = [...resources].map(([resource, methods]) => `${resource}: {\n${[...methods].map(renderMethod).join('\n')}\n};`);
  return `export interface SdkResources {\n${members.join('\n')}\n}`;
}

/**
 * One operation as a compact row for the runtime table (decoded by \`decode\` in the generated module): positional
 * fields, path parameters as [name, minLength, maxLength?, pattern?], pagination as [itemsField, pageSizeParam].
 * Rows keep the bundle small as the spec grows; the literal types of every field are emitted as types instead.
 */
function compactRow(op) {
  const params = Object.entries(op.pathParams).map(([name, l]) =>
    l.pattern !== undefined ? [name, l.minLength, l.maxLength ?? null, l.pattern] : l.maxLength !== undefined ? [name, l.minLength, l.maxLength] : [name, l.minLength],
  );
  return [
    op.operationId,
    op.method,
    op.path,
    op.variant === 'flat' ? 0 : 1,
    op.resource,
    op.sdkMethod,
    op.deprecated ? 1 : 0,
    op.alternative,
    op.successor,
    params,
    op.pagination && [op.pagination.itemsField, op.pagination.pageSizeParam],
    op.idempotencyKeyField,
    op.generatedKeys,
    op.retrySafe ? 1 : 0,
  ];
}

export function renderOperationsModule(bundle) {
  const operations = collectOperations(bundle);
  const runtime = Object.fromEntries(Object.entries(operations).map(([id, operation]) => [id, pick(operation)]));
  const json = (value) => JSON.stringify(value, null, 2);
  const rows = Object.values(operations).map((op) => JSON.stringify(compactRow(op)));
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

/** What the SDK knows about an operation at run time (docs-only facts such as summaries are in the types). */
export interface OperationMetadata {
  readonly operationId: string;
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'OPTIONS' | 'HEAD' | 'PATCH' | 'TRACE';
  readonly path: string;
  readonly variant: Variant;
  /** The facade resource, \`client.<resource>\` (\`x-sdk-resource\`). */
  readonly resource: string;
  /** The facade method, \`client.<resource>.<sdkMethod>()\` (\`x-sdk-method\`). */
  readonly sdkMethod: string;
  readonly deprecated: boolean;
  /** Facade method of the nearest equivalent in the other variant (\`x-togai-alternative\`). */
  readonly alternative: string | null;
  /** For a deprecated operation, \`resource.method\` of its successor where one is evident (\`x-sdk-successor\`). */
  readonly successor: string | null;
  readonly pathParams: Readonly<Record<string, PathParamLimits>>;
  readonly pagination: PaginationMetadata | null;
  /** Top-level request-body property that carries an idempotency key (the per-call \`idempotencyKey\` option sets it). */
  readonly idempotencyKeyField: string | null;
  /**
   * Body paths (\`idempotencyKey\`, \`creditRequests[].idempotencyKey\`, \`events[].id\`) the SDK fills with a fresh
   * id before the first attempt when empty; with all of them set, the request is safe to resend.
   */
  readonly generatedKeys: readonly string[];
  /** A POST or PATCH that changes nothing on the server (\`x-sdk-idempotent\`), so it is retried like a GET. */
  readonly retrySafe: boolean;
}

export const servers = ${json(collectServers(operations))} as const satisfies Record<Variant, string>;

/** Every operation's metadata, with literal types (types only; the values come from the compact rows below). */
export interface Operations ${json(runtime).replace(/"([^"]+)":/g, (_, key) => `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : `'${key}'`}:`).replace(/"/g, "'").replace(/,\n/g, ';\n')}

type Row = readonly [string, string, string, 0 | 1, string, string, 0 | 1, string | null, string | null,
  readonly (readonly [string, number, (number | null)?, string?])[], readonly [string, string | null] | null,
  string | null, readonly string[], 0 | 1];

const rows: readonly Row[] = [
${rows.join(',\n')}
];

function decode([operationId, method, path, variant, resource, sdkMethod, deprecated, alternative, successor, params, pagination, idempotencyKeyField, generatedKeys, retrySafe]: Row): OperationMetadata {
  const pathParams: Record<string, PathParamLimits> = {};
  for (const [name, minLength, maxLength, pattern] of params) {
    pathParams[name] = { minLength, ...(maxLength != null && { maxLength }), ...(pattern !== undefined && { pattern }) };
  }
  return {
    operationId,
    method: method as OperationMetadata['method'],
    path,
    variant: variant === 0 ? 'flat' : 'customer-scoped',
    resource,
    sdkMethod,
    deprecated: deprecated === 1,
    alternative,
    successor,
    pathParams,
    pagination: pagination && { tokenParam: 'nextToken', tokenField: 'nextToken', itemsField: pagination[0], pageSizeParam: pagination[1] },
    idempotencyKeyField,
    generatedKeys,
    retrySafe: retrySafe === 1,
  };
}

export const operations: Operations = Object.fromEntries(rows.map((row) => [row[0], decode(row)])) as unknown as Operations;

export type OperationId = keyof Operations;

/** Facade resources (\`client.<resource>\`), their methods, and the operation each method calls per path variant. */
${renderSdkResources(operations)}
`;
}
