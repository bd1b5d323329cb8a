// TypeScript code samples for the API reference: one per operation, derived from the bundled spec and the
// same operation metadata the SDK is generated from, so a sample can never drift from the facade it calls.
import { collectOperations, collectServers, deref } from './operations-metadata.mjs';

const environmentOf = { flat: 'production', 'customer-scoped': 'sandbox' };
// Redoc's sample panel shows about 56 columns; longer lines scroll sideways.
const maxLine = 56;
/** The tab title of the samples in the reference (Redoc matches samples to tabs by this label). */
export const sampleLabel = 'TypeScript SDK';

/** `account_id` → `accountId`, the facade's name for a path parameter (same rule as src/operations.ts). */
export function camelCase(name) {
  return name.replace(/_([a-z0-9])/g, (_, letter) => letter.toUpperCase());
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function quote(text) {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/**
 * A value as a TypeScript literal: on one line when it fits in `maxLine` columns together with the `taken`
 * columns around it, otherwise one entry per line. Strings single-quoted, keys unquoted where that is valid.
 */
export function literal(value, indent = '', taken = indent.length) {
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? quote(value) : String(value);
  const isArray = Array.isArray(value);
  const entries = isArray
    ? value.map((item) => [null, item])
    : Object.entries(value).map(([key, item]) => [identifier.test(key) ? key : quote(key), item]);
  if (entries.length === 0) return isArray ? '[]' : '{}';
  const [open, close] = isArray ? ['[', ']'] : ['{ ', ' }'];
  const oneLine = `${open}${entries.map(([key, item]) => (key ? `${key}: ` : '') + literal(item, '')).join(', ')}${close}`;
  if (!oneLine.includes('\n') && taken + oneLine.length <= maxLine) return oneLine;
  const inner = `${indent}  `;
  const lines = entries.map(([key, item]) => {
    const head = `${inner}${key ? `${key}: ` : ''}`;
    return `${head}${literal(item, inner, head.length + 1)},`;
  });
  return `${open.trim()}\n${lines.join('\n')}\n${indent}${close.trim()}`;
}

/** A parameter's example: its own, else its schema's example, default or first enum value. */
function parameterExample(bundle, parameter) {
  if (parameter.example !== undefined) return parameter.example;
  const first = Object.values(parameter.examples ?? {})[0];
  if (first !== undefined) return deref(bundle, first).value;
  const schema = deref(bundle, parameter.schema) ?? {};
  return schema.example ?? schema.examples?.[0] ?? schema.default ?? schema.enum?.[0];
}

/** The first example of the JSON request body: `examples` first, then `example`, then the schema's. */
function requestBodyExample(bundle, operation) {
  const media = deref(bundle, operation.requestBody)?.content?.['application/json'];
  if (!media) return undefined;
  const first = Object.values(media.examples ?? {})[0];
  if (first !== undefined) return deref(bundle, first).value;
  return media.example ?? deref(bundle, media.schema)?.example;
}

/** The arguments object of the facade call: camelCased path parameters, then `query`, then `body`. */
function callArguments(bundle, pathItem, operation, meta) {
  const parameters = [...(pathItem.parameters ?? []), ...(operation.parameters ?? [])].map((p) => deref(bundle, p));
  const args = {};
  // Path parameters in the order they appear in the path, as a reader scans the URL.
  for (const [, name] of meta.path.matchAll(/\{([^}]+)\}/g)) {
    const parameter = parameters.find((p) => p.in === 'path' && p.name === name);
    args[camelCase(name)] = String((parameter && parameterExample(bundle, parameter)) ?? '...');
  }
  // The pagination cursor is the iterator's job, so the sample leaves it out. A required query parameter must be
  // in the sample (or it would not compile), so one the spec gives no value for fails the build.
  const query = {};
  for (const parameter of parameters.filter((p) => p.in === 'query' && p.name !== meta.pagination?.tokenParam)) {
    const example = parameterExample(bundle, parameter);
    if (example !== undefined) query[parameter.name] = example;
    else if (parameter.required) throw new Error(`${meta.operationId}: required query parameter ${parameter.name} has no example`);
  }
  if (Object.keys(query).length > 0) args.query = query;
  if (meta.hasBody) args.body = requestBodyExample(bundle, operation) ?? {};
  return args;
}

function deprecationNote(meta) {
  if (!meta.deprecated) return [];
  const lines = [
    '// Deprecated: emits a DeprecationWarning on first call',
    '// (override with onDeprecation or silenceDeprecations).',
  ];
  const other = meta.variant === 'flat' ? 'Customer-scoped' : 'Flat';
  if (meta.alternative) lines.push(`// ${other} alternative: ${meta.resource}.${meta.alternative}().`);
  if (meta.successor) lines.push(`// Successor: togai.${meta.successor}().`);
  return lines;
}

/** The TypeScript sample for one operation (metadata as in generated/operations.ts). */
export function codeSampleFor(bundle, meta) {
  const pathItem = deref(bundle, bundle.paths[meta.path]);
  const operation = pathItem[meta.method.toLowerCase()];
  const args = callArguments(bundle, pathItem, operation, meta);
  const [before, after] = meta.pagination ? ['for await (const item of ', ') {'] : ['const result = await ', ';'];
  const callee = `togai.${meta.resource}.${meta.sdkMethod}(`;
  const argument = Object.keys(args).length > 0 ? literal(args, '', before.length + callee.length + 1 + after.length) : '';
  const statement = `${before}${callee}${argument})${after}`;
  const use = meta.pagination ? [statement, '  console.log(item);', '}'] : [statement, 'console.log(result);'];
  return [
    "import { createTogaiClient } from 'togai-sdk-unofficial';",
    '',
    'const togai = createTogaiClient({',
    `  environment: '${environmentOf[meta.variant]}',`,
    '  token: process.env.TOGAI_API_TOKEN,',
    '});',
    '',
    ...deprecationNote(meta),
    ...use,
    '',
  ].join('\n');
}

/** Markdown for a deprecated operation's description that names its successor's facade method and path. */
function successorNote(operations, meta) {
  if (!meta.deprecated || !meta.successor) return '';
  const candidates = Object.values(operations).filter((op) => `${op.resource}.${op.sdkMethod}` === meta.successor);
  const next = candidates.find((op) => op.variant === meta.variant) ?? candidates[0];
  return `\n\n**Successor:** use \`togai.${meta.successor}()\` (\`${next.method} ${next.path}\`) instead.\n`;
}

/**
 * A copy of the bundle where every operation carries an `x-codeSamples` entry with its SDK call, and every
 * deprecated operation with a successor names it in its description.
 * Returns the new document, the samples keyed by operationId and the operation metadata.
 */
export function withCodeSamples(bundle) {
  const document = structuredClone(bundle);
  const operations = collectOperations(document);
  const samples = {};
  for (const meta of Object.values(operations)) {
    if (!meta.sdkMethod) throw new Error(`${meta.operationId} has no x-sdk-method, so it has no SDK sample`);
    const source = codeSampleFor(document, meta);
    const operation = deref(document, document.paths[meta.path])[meta.method.toLowerCase()];
    operation['x-codeSamples'] = [{ lang: 'TypeScript', label: sampleLabel, source }];
    const note = successorNote(operations, meta);
    if (note) operation.description = `${(operation.description ?? '').trimEnd()}${note}`;
    samples[meta.operationId] = source;
  }
  return { document, samples, operations };
}

/**
 * The areas of the reference (`x-tagGroups`) with the facade resources of their operations. Redoc leaves out a
 * tag that no group lists, so an operation under such a tag fails the build instead of vanishing from the site.
 */
function areasOf(operations, tagGroups) {
  if (tagGroups.length === 0) return [];
  const areas = tagGroups.map((group) => ({ name: group.name, tags: group.tags, resources: new Set(), variants: new Set() }));
  for (const op of Object.values(operations)) {
    const area = areas.find((candidate) => candidate.tags.includes(op.tag));
    if (!area) throw new Error(`${op.operationId}: its tag ${JSON.stringify(op.tag)} is in no x-tagGroups entry, so the reference would hide it`);
    area.resources.add(op.resource);
    area.variants.add(op.variant);
  }
  return areas.map(({ name, resources, variants }) => ({ name, resources: [...resources], variants: [...variants] }));
}

/**
 * Markdown appended to `info.description`: how the SDK picks a variant, where its credential comes from, and which
 * client resources serve each area of the reference.
 */
export function sdkGuide(operations, tagGroups) {
  const servers = collectServers(operations);
  const rows = areasOf(operations, tagGroups).map(({ name, resources, variants }) => {
    const client = variants.length === 1 && variants[0] === 'customer-scoped' ? ' (of the `sandbox` client)' : '';
    return `| ${name} | ${resources.map((resource) => `\`${resource}\``).join(', ')}${client} |`;
  });
  const table = rows.length === 0 ? '' : `
The reference groups the operations by area, as in the menu; the client resources of each area:

| Area | Client resources |
|---|---|
${rows.join('\n')}
`;
  return `
## Using the TypeScript SDK
Every operation below has a **TypeScript SDK** sample that calls it as \`togai.<resource>.<method>()\` with the
\`togai-sdk-unofficial\` package. The environment chooses the host and the path variant:

\`\`\`ts
import { createTogaiClient } from 'togai-sdk-unofficial';

// Flat paths on ${servers.flat}
const togai = createTogaiClient({
  environment: 'production',
  token: process.env.TOGAI_API_TOKEN,
});
// Customer-scoped paths on ${servers['customer-scoped']}
const sandbox = createTogaiClient({
  environment: 'sandbox',
  apiKey: process.env.TOGAI_API_KEY,
});
\`\`\`

The client sends \`token\` as \`Authorization: Bearer <token>\` (security scheme \`bearerAuth\`) and \`apiKey\` as
\`X-API-Key\` (\`apiKeyAuth\`); pass one of the two. When you pass neither, it reads \`TOGAI_API_TOKEN\`, then
\`TOGAI_API_KEY\`, from the environment. It sends the credential only over HTTPS (plain HTTP only to a loopback
host such as a local mock). List methods return an async iterable that fetches further pages on demand.
${table}`;
}
