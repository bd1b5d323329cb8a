// Type declarations an editor shows: every schema as a named model (generated/models.ts), and per area of the spec
// the facade resources it contributes, one JSDoc'd method per operation (generated/areas/<area>.ts), joined into
// the client's facade type (generated/facade.ts). Types only: nothing here reaches the runtime bundle.
import { deref, groupByResource, schemaName } from './operations-metadata.mjs';

const pascal = (name) => name.replace(/(^|[-_])([a-z0-9])/g, (_, __, letter) => letter.toUpperCase());
const camel = (name) => name.replace(/_([a-z0-9])/g, (_, letter) => letter.toUpperCase());
const quoted = (name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`);

/** Text fit for a JSDoc block: no comment terminator, one paragraph per line. */
function docLines(text) {
  return (text ?? '')
    .replace(/\*\//g, '*\\/')
    .trim()
    .split('\n')
    .map((line) => line.trimEnd());
}

function jsdoc(lines, indent = '') {
  const body = lines.flatMap((line) => (line === null ? [] : [line]));
  if (body.length === 0) return '';
  return `${indent}/**\n${body.map((line) => `${indent} *${line ? ` ${line}` : ''}`).join('\n')}\n${indent} */\n`;
}

/** Whether openapi-typescript makes `schema` an object type an interface can extend (not a union, enum or scalar). */
function isObjectLike(bundle, schema, depth = 0) {
  if (!schema || depth > 16) return false;
  if (schema.$ref) return isObjectLike(bundle, deref(bundle, schema), depth + 1);
  if (schema.oneOf || schema.anyOf || schema.enum || schema.const !== undefined) return false;
  if (Array.isArray(schema.type) && schema.type.includes('null')) return false;
  if (schema.allOf) return schema.allOf.every((member) => isObjectLike(bundle, member, depth + 1));
  return schema.type === 'object' || schema.properties !== undefined || schema.additionalProperties !== undefined;
}

/** `export interface Invoice extends Schema<'Invoice'> {}`: an editor then shows `Invoice`, not its expansion. */
export function renderModels(bundle) {
  const names = Object.keys(bundle.components?.schemas ?? {});
  const declarations = names.map((name) => {
    const schema = bundle.components.schemas[name];
    const doc = jsdoc(docLines(schema.description));
    if (isObjectLike(bundle, schema)) return `${doc}export interface ${name} extends Schema<'${name}'> {}`;
    const members = schema.oneOf ?? schema.anyOf;
    const named = members && !schema.properties && !schema.allOf && members.every((member) => schemaName(member));
    return `${doc}export type ${name} = ${named ? members.map(schemaName).join(' | ') : `Schema<'${name}'>`};`;
  });
  return `// Every schema of the spec under its own name. Object schemas are interfaces, so that hovers and errors name them.
import type { components } from './schema.js';

type Schema<K extends keyof components['schemas']> = components['schemas'][K];

${declarations.join('\n\n')}
`;
}

/** The TypeScript type of an operation's success body(ies), by model name where the spec names it. */
function resultType(bundle, op, operation) {
  if (op.download) return 'Blob';
  const types = Object.entries(operation.responses)
    .filter(([status]) => /^2\d\d$/.test(status))
    .map(([status, response]) => {
      const media = deref(bundle, response)?.content?.['application/json'];
      if (!media) return 'void';
      return schemaName(media.schema) ?? `operations['${op.operationId}']['responses'][${status}]['content']['application/json']`;
    });
  return [...new Set(types)].join(' | ');
}

function itemType(bundle, op, operation, body) {
  const response = deref(bundle, operation.responses[String(op.successStatus)]);
  // Paginated answers are a single JSON model (see paginationOf).
  const schema = deref(bundle, response.content['application/json'].schema);
  const items = deref(bundle, schema.properties[op.pagination.itemsField]).items;
  return schemaName(items) ?? `NonNullable<${body}['${op.pagination.itemsField}']>[number]`;
}

/** What a hover says about resending a write, in one line. */
function resendNote(op) {
  if (op.method === 'GET') return null;
  if (op.generatedKeys.length > 0) {
    return `Keyed (${op.generatedKeys.map((key) => `\`${key}\``).join(', ')}, filled when left out): resent after a 5xx, timeout or reset.`;
  }
  if (op.idempotent) return 'Changes nothing twice: resent after a 5xx, timeout or reset.';
  return 'Not resent once the server may have acted on it (a 5xx, a timeout, a reset): check before calling again.';
}

/** One facade method: its arguments object, options, result, and a JSDoc block with the HTTP call. */
function renderMethod(bundle, op, imports) {
  const item = deref(bundle, bundle.paths[op.path]);
  const operation = item[op.method.toLowerCase()];
  const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((p) => deref(bundle, p));
  const args = [];
  for (const name of Object.keys(op.pathParams)) args.push(`${camel(name)}: string`);
  const queries = parameters.filter((p) => p.in === 'query');
  let queryType = null;
  if (queries.length > 0) {
    queryType = `${pascal(op.operationId)}Query`;
    args.push(`query${queries.some((p) => p.required) ? '' : '?'}: ${queryType}`);
  }
  if (operation.requestBody) {
    const body = deref(bundle, operation.requestBody);
    const schema = body.content['application/json'].schema;
    const type = schemaName(schema) ?? `NonNullable<operations['${op.operationId}']['requestBody']>['content']['application/json']`;
    if (schemaName(schema)) imports.add(type);
    args.push(`body${body.required ? '' : '?'}: ${type}`);
  }
  const required = args.some((arg) => !/^\w+\?:/.test(arg));
  const argsParam = args.length === 0 ? 'args?: Record<string, never>' : `args${required ? '' : '?'}: { ${args.join('; ')} }`;
  const result = resultType(bundle, op, operation);
  for (const name of result.split(' | ')) if (/^[A-Z]\w*$/.test(name) && name !== 'Blob') imports.add(name);
  let returns = `APIPromise<${result}>`;
  if (op.pagination) {
    const item = itemType(bundle, op, operation, result);
    if (/^[A-Z]\w*$/.test(item)) imports.add(item);
    returns = `PagedList<${item}, ${result}>`;
  }
  const notes = [
    `\`${op.method} ${op.path}\` (\`${op.operationId}\`).`,
    op.pagination ? '`await` it for the first page, `for await` over it for every item.' : null,
    op.download ? 'Follows the redirect to the file without sending your credential or headers; the body is capped by `maxResponseBytes`.' : null,
    op.secretFields.length ? `The answer's \`${op.secretFields.join('`, `')}\` is a secret: never logged, and blotted out of errors.` : null,
    resendNote(op),
  ];
  const deprecated = op.deprecated ? [op.successor ? `@deprecated Use \`client.${op.successor}()\` instead.` : '@deprecated'] : [];
  const doc = jsdoc([`${op.summary}.`, '', ...notes, ...deprecated], '  ');
  const queryDecl = queryType
    ? `/** Query parameters of \`${op.resource}.${op.sdkMethod}\` (\`${op.method} ${op.path}\`). */\nexport interface ${queryType} extends Query<'${op.operationId}'> {}\n`
    : '';
  return { member: `${doc}  ${op.sdkMethod}(${argsParam}, options?: RequestOptions): ${returns};`, queryDecl };
}

/** A resource's interface name: `InvoicesResource`, or by area where one resource spans areas (`CustomerAccountsResource`). */
function interfaceName(resource, area, areasOfResource) {
  if (areasOfResource.size === 1) return `${pascal(resource)}Resource`;
  const areaName = pascal(area);
  return `${areaName.endsWith(pascal(resource)) ? areaName : areaName + pascal(resource)}Resource`;
}

/**
 * generated/areas/<area>.ts for every area folder that has operations, and generated/facade.ts joining them per
 * path variant. `areaOfPath` maps each spec path to its folder under openapi/.
 */
export function renderFacadeDeclarations(bundle, operations, areaOfPath, tagDescriptions) {
  const byArea = new Map(); // area → resource → ops
  const areasOfResource = new Map();
  for (const op of Object.values(operations)) {
    const area = areaOfPath[op.path];
    if (!area) throw new Error(`${op.operationId}: no area folder for ${op.path}`);
    const resources = byArea.get(area) ?? new Map();
    resources.set(op.resource, [...(resources.get(op.resource) ?? []), op]);
    byArea.set(area, resources);
    areasOfResource.set(op.resource, (areasOfResource.get(op.resource) ?? new Set()).add(area));
  }
  const files = new Map();
  const variants = { flat: new Map(), 'customer-scoped': new Map() }; // variant → resource → [{ name, area }]
  for (const [area, resources] of byArea) {
    const imports = new Set();
    const blocks = [];
    for (const [resource, ops] of resources) {
      const variant = ops[0].variant;
      if (ops.some((op) => op.variant !== variant)) throw new Error(`area ${area}: resource ${resource} spans both path variants`);
      const name = interfaceName(resource, area, areasOfResource.get(resource));
      const rendered = [...groupByResource(Object.fromEntries(ops.map((op) => [op.operationId, op]))).get(resource).values()].map(([op]) =>
        renderMethod(bundle, op, imports),
      );
      const described = tagDescriptions[ops[0].tag]?.split('\n')[0];
      const doc = jsdoc([`\`client.${resource}\`${variant === 'customer-scoped' ? ' on customer-scoped paths' : ''}: ${described ?? ops[0].tag ?? resource}`]);
      blocks.push(`${rendered.map((r) => r.queryDecl).join('')}\n${doc}export interface ${name} {\n${rendered.map((r) => r.member).join('\n\n')}\n}`);
      variants[variant].set(resource, [...(variants[variant].get(resource) ?? []), { name, area }]);
    }
    const source = blocks.join('\n\n');
    const header = [
      `// The ${area} area of the spec (openapi/${area}/): the facade methods it adds to the client.`,
      `import type { APIPromise } from '../../src/client/api-promise.js';`,
      source.includes('PagedList<') ? `import type { PagedList } from '../../src/client/pagination.js';` : null,
      `import type { RequestOptions } from '../../src/client/options.js';`,
      imports.size ? `import type { ${[...imports].sort().join(', ')} } from '../models.js';` : null,
      /operations\[/.test(source) ? `import type { operations } from '../schema.js';` : null,
      source.includes('Query<') ? `\ntype Query<K extends keyof operations> = NonNullable<operations[K]['parameters']['query']>;` : null,
    ].filter(Boolean);
    if (source.includes('Query<') && !header.some((line) => line?.includes("from '../schema.js'"))) {
      header.splice(header.length - 1, 0, `import type { operations } from '../schema.js';`);
    }
    files.set(`areas/${area}.ts`, `${header.join('\n')}\n\n${source}\n`);
  }
  const all = new Set([...variants.flat.keys(), ...variants['customer-scoped'].keys()]);
  const member = (resource, entries) => `  readonly ${quoted(resource)}: ${entries.map((e) => e.name).join(' & ')};`;
  const imports = [...byArea.keys()].map((area) => {
    const names = [...variants.flat.values(), ...variants['customer-scoped'].values()].flat().filter((e) => e.area === area).map((e) => e.name);
    return `import type { ${names.join(', ')} } from './areas/${area}.js';`;
  });
  const reexports = [...byArea.keys()].map((area) => `export type * from './areas/${area}.js';`);
  files.set(
    'facade.ts',
    `// The client's resources per path variant, joined from the areas (generated/areas/).
import type { Variant } from './operations.js';
${imports.join('\n')}

${reexports.join('\n')}

/** The resources of a client on flat paths (production). */
export interface FlatResources {
${[...variants.flat].map(([resource, entries]) => member(resource, entries)).join('\n')}
}

/** The resources of a client on customer-scoped paths (the older sandbox API version). */
export interface CustomerScopedResources {
${[...variants['customer-scoped']].map(([resource, entries]) => member(resource, entries)).join('\n')}
}

/** The resources of a client whose path variant is known only at run time: all of them. */
export interface AllResources {
${[...all].map((resource) => member(resource, [...(variants.flat.get(resource) ?? []), ...(variants['customer-scoped'].get(resource) ?? [])])).join('\n')}
}

/** The facade of a client on path variant \`S\`. */
export type Facade<S extends Variant> = [Variant] extends [S] ? AllResources : S extends 'flat' ? FlatResources : CustomerScopedResources;
`,
  );
  return files;
}
