// Derives the SDK's operation metadata from the bundled spec, so src/ never restates what the spec knows
// (methods, paths, variants, deprecations, path-parameter limits, pagination, idempotency keys, what may be resent).

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** Methods whose second request cannot apply twice, unless the spec says otherwise (`x-sdk-idempotent: false`). */
const idempotentMethods = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** Follows a local `#/...` reference inside the bundle. */
export function deref(bundle, node) {
  let current = node;
  for (let hops = 0; current && current.$ref && hops < 32; hops += 1) {
    const pointer = current.$ref.replace(/^#\//, '').split('/');
    current = pointer.reduce((value, key) => value?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], bundle);
  }
  return current;
}

/** The component name a `$ref` points at (`#/components/schemas/Invoice` → `Invoice`), or null for an inline schema. */
export function schemaName(node) {
  const match = /^#\/components\/schemas\/([^/]+)$/.exec(node?.$ref ?? '');
  return match ? match[1] : null;
}

/** The 2xx response, or for an operation that only redirects (a file download), its 3xx. */
function successResponse(operation) {
  const codes = Object.keys(operation.responses ?? {});
  const status = codes.find((code) => /^2\d\d$/.test(code)) ?? codes.find((code) => /^3\d\d$/.test(code));
  if (!status) throw new Error(`${operation.operationId} has no 2xx or 3xx response`);
  return { status: Number(status), response: operation.responses[status] };
}

function jsonMedia(bundle, holder) {
  return deref(bundle, holder)?.content?.['application/json'];
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

/** `maxItems` of the request body's top-level arrays (`events` of a batch: 500). */
function arrayLimitsOf(bundle, bodySchema) {
  const limits = {};
  for (const [name, property] of Object.entries(bodySchema?.properties ?? {})) {
    const schema = deref(bundle, property);
    if (schema?.type === 'array' && schema.maxItems !== undefined) limits[name] = schema.maxItems;
  }
  return limits;
}

/** Top-level properties of the success body marked `x-sdk-secret`: credentials the SDK never logs or quotes. */
function secretFieldsOf(bundle, responseSchema) {
  return Object.entries(responseSchema?.properties ?? {})
    .filter(([, property]) => property['x-sdk-secret'] === true || deref(bundle, property)?.['x-sdk-secret'] === true)
    .map(([name]) => name);
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
      const responseSchema = deref(bundle, jsonMedia(bundle, response)?.schema);
      const bodySchema = operation.requestBody ? deref(bundle, jsonMedia(bundle, operation.requestBody)?.schema) : null;
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
      const upper = method.toUpperCase();
      const generatedKeys = generatedKeysOf(bundle, bodySchema, operation);
      operations[operation.operationId] = {
        // What the runtime needs to route and behave (see runtimeFields).
        operationId: operation.operationId,
        method: upper,
        path,
        variant,
        resource,
        sdkMethod,
        deprecated: operation.deprecated === true,
        alternative: operation['x-togai-alternative'] ?? null,
        successor: operation['x-sdk-successor'] ?? null,
        pathParams: pathParameterLimits(bundle, parameters),
        pagination: paginationOf(bundle, queryNames, responseSchema),
        idempotencyKeyField: generatedKeys.includes('idempotencyKey') ? 'idempotencyKey' : null,
        generatedKeys,
        idempotent: operation['x-sdk-idempotent'] ?? idempotentMethods.has(upper),
        download: operation['x-sdk-download'] === true,
        secretFields: secretFieldsOf(bundle, responseSchema),
        arrayLimits: arrayLimitsOf(bundle, bodySchema),
        // Build-time only: docs, samples, declarations and tests read these; the runtime table leaves them out.
        summary: operation.summary,
        tag: operation.tags?.[0] ?? null,
        server: (operation.servers ?? item.servers ?? bundle.servers)[0].url,
        queryParams: queryNames,
        hasBody: Boolean(operation.requestBody),
        successStatus: status,
        // `x-sdk-idempotent` as the spec states it (undefined: the method decides).
        declaredIdempotent: operation['x-sdk-idempotent'],
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
const runtimeFields = [
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
  'idempotent',
  'download',
  'secretFields',
  'arrayLimits',
];

const pick = (operation) => Object.fromEntries(runtimeFields.map((field) => [field, operation[field]]));

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

/** Flags of a compact row, as bits: what most operations are not. */
const flagBits = { deprecated: 1, idempotencyNotByMethod: 2, download: 4, customerScoped: 8, paginated: 16 };

/**
 * One operation as a compact row of the runtime table (decoded by `decode` in the generated module), under its
 * resource: `operationId METHOD /path sdkMethod`, then the flags, then the rarer fields as JSON, trailing empty ones
 * dropped. Idempotency is a flag only where it is not the method's; path parameter names come from the path itself,
 * and only limits other than "at least one character" are listed; the usual pagination (`data` + `pageSize`) is a
 * flag. Rows keep the bundle small as the spec grows; the literal types of every field are emitted as types instead.
 */
function compactRow(op) {
  const limits = Object.entries(op.pathParams)
    .filter(([, l]) => l.minLength !== 1 || l.maxLength !== undefined || l.pattern !== undefined)
    .map(([name, l]) => (l.pattern !== undefined ? [name, l.minLength, l.maxLength ?? null, l.pattern] : l.maxLength !== undefined ? [name, l.minLength, l.maxLength] : [name, l.minLength]));
  const usualPaging = op.pagination?.itemsField === 'data' && op.pagination.pageSizeParam === 'pageSize';
  const paging = op.pagination && !usualPaging ? [op.pagination.itemsField, op.pagination.pageSizeParam] : 0;
  const set = {
    deprecated: op.deprecated,
    idempotencyNotByMethod: op.idempotent !== idempotentMethods.has(op.method),
    download: op.download,
    customerScoped: op.variant === 'customer-scoped',
    paginated: usualPaging,
  };
  const flags = Object.entries(flagBits).reduce((bits, [name, bit]) => (set[name] ? bits | bit : bits), 0);
  const rest = [
    limits.length ? limits : 0,
    op.generatedKeys.length ? op.generatedKeys : 0,
    op.successor ?? 0,
    op.alternative ?? 0,
    paging,
    op.secretFields.length ? op.secretFields : 0,
    Object.keys(op.arrayLimits).length ? op.arrayLimits : 0,
  ];
  while (rest.at(-1) === 0) rest.pop();
  const head = `${op.operationId} ${op.method} ${op.path} ${op.sdkMethod}`;
  return rest.length ? `${head} ${flags} ${JSON.stringify(rest).slice(1, -1)}` : flags ? `${head} ${flags}` : head;
}

export function renderOperationsModule(bundle) {
  const operations = collectOperations(bundle);
  const runtime = Object.fromEntries(Object.entries(operations).map(([id, operation]) => [id, pick(operation)]));
  const json = (value) => JSON.stringify(value, null, 2);
  const table = {};
  for (const op of Object.values(operations)) (table[op.resource] ??= []).push(compactRow(op));
  for (const [name, rows] of Object.entries(table)) {
    if (rows.length !== Object.values(operations).filter((op) => op.resource === name).length) throw new Error(`resource ${name} is not contiguous`);
  }
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
  /**
   * A second request cannot apply it twice, so it is resent after a 5xx, a timeout or a reset: GET, HEAD, OPTIONS,
   * PUT and DELETE unless the spec says otherwise, and POSTs that change nothing (\`x-sdk-idempotent\`).
   */
  readonly idempotent: boolean;
  /** Answers with a redirect to a file's bytes on another host (\`x-sdk-download\`): the result is a Blob. */
  readonly download: boolean;
  /** Fields of the success body that are credentials (\`x-sdk-secret\`): never logged or quoted in an error. */
  readonly secretFields: readonly string[];
  /** \`maxItems\` of the request body's top-level arrays (the events of a batch). */
  readonly arrayLimits: Readonly<Record<string, number>>;
}

export const servers = ${json(collectServers(operations))} as const satisfies Record<Variant, string>;

/** Every operation's metadata, with literal types (types only; the values come from the compact rows below). */
export interface Operations ${json(runtime).replace(/"([^"]+)":/g, (_, key) => `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : `'${key}'`}:`).replace(/"/g, "'").replace(/,\n/g, ';\n')}

type Limits = readonly (readonly [string, number, (number | null)?, string?])[];
/** What follows the flags of a row, in order; trailing empty fields are left out. */
type Rest = [
  limits?: 0 | Limits,
  generatedKeys?: 0 | readonly string[],
  successor?: 0 | string,
  alternative?: 0 | string,
  pagination?: 0 | readonly [itemsField: string, pageSizeParam: string | null],
  secretFields?: 0 | readonly string[],
  arrayLimits?: 0 | Readonly<Record<string, number>>,
];

/** Each resource's operations as rows: \`operationId METHOD /path sdkMethod [flags [rest as JSON]]\`. */
const table: Readonly<Record<string, readonly string[]>> = ${json(table)};

const none: readonly never[] = [];

function decode(resource: string, row: string): OperationMetadata {
  const [operationId, method, path, sdkMethod, flagText, ...json] = row.split(' ') as [string, string, string, string, string?, ...string[]];
  const flags = Number(flagText ?? 0);
  const [limits, generatedKeys, successor, alternative, paging, secretFields, arrayLimits]: Rest = json.length ? JSON.parse(\`[\${json.join(' ')}]\`) : [];
  const pathParams: Record<string, PathParamLimits> = {};
  for (const [, name] of path.matchAll(/\\{([^}]+)\\}/g)) pathParams[name!] = { minLength: 1 };
  for (const [name, minLength, maxLength, pattern] of limits || none) {
    pathParams[name] = { minLength, ...(maxLength != null && { maxLength }), ...(pattern !== undefined && { pattern }) };
  }
  const [itemsField, pageSizeParam] = flags & ${flagBits.paginated} ? ['data', 'pageSize'] : paging || [];
  return {
    operationId,
    method: method as OperationMetadata['method'],
    path,
    variant: flags & ${flagBits.customerScoped} ? 'customer-scoped' : 'flat',
    resource,
    sdkMethod,
    deprecated: (flags & ${flagBits.deprecated}) !== 0,
    alternative: alternative || null,
    successor: successor || null,
    pathParams,
    pagination: itemsField ? { tokenParam: 'nextToken', tokenField: 'nextToken', itemsField, pageSizeParam: pageSizeParam ?? null } : null,
    idempotencyKeyField: generatedKeys && generatedKeys.includes('idempotencyKey') ? 'idempotencyKey' : null,
    generatedKeys: generatedKeys || none,
    // These methods are idempotent unless the flag says otherwise; the others the reverse.
    idempotent: /^(${[...idempotentMethods].join('|')})$/.test(method) !== ((flags & ${flagBits.idempotencyNotByMethod}) !== 0),
    download: (flags & ${flagBits.download}) !== 0,
    secretFields: secretFields || none,
    arrayLimits: arrayLimits || {},
  };
}

export const operations = Object.fromEntries(
  Object.entries(table).flatMap(([resource, rows]) => rows.map((row) => [row.slice(0, row.indexOf(' ')), decode(resource, row)])),
) as unknown as Operations;

export type OperationId = keyof Operations;
`;
}
