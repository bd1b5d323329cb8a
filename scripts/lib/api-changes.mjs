// What changed between two bundled specs, for a consumer of the SDK: each change classified breaking or
// non-breaking and named by the operations it touches (operationId and METHOD path).
//
// The comparison and its classification are api-smart-diff's (https://github.com/udamir/api-smart-diff): it knows
// OpenAPI 3.0 and 3.1, follows `$ref`s (a change inside a component is reported under every operation that uses
// it), classifies each change as breaking, non-breaking, deprecated or annotation, is plain JavaScript and runs
// offline. Its rules judge compatibility on the wire; this SDK's users also compile against the generated types
// and call the facade by name, so a few changes it lets pass are breaking here (`schemaChange` and `describe` say
// which).
//
// To keep `npm run generate` fast, the library is handed only the path items and components that differ (with
// everything they reference): comparing a path item whose JSON, and that of everything it references, is the same
// in both specs finds nothing, and comparing all of a 550 KB spec takes seconds.
import { apiDiff } from 'api-smart-diff';

const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const componentKinds = ['schemas', 'parameters', 'responses', 'requestBodies', 'headers', 'examples', 'securitySchemes', 'links', 'callbacks', 'pathItems'];
/** Operation fields that name things in the SDK: the key of `operations` in the generated types, the facade method. */
const sdkNames = ['operationId', 'x-sdk-resource', 'x-sdk-method'];

const unescape = (key) => key.replace(/~1/g, '/').replace(/~0/g, '~');
const pointerOf = (ref) => ref.slice(2).split('/').map(unescape);
const resolvePointer = (doc, ref) => pointerOf(ref).reduce((node, key) => node?.[key], doc);

/** Every local `$ref` reachable from `node`, followed through the components they point to. */
function referencedFrom(doc, node, found = new Set()) {
  if (Array.isArray(node)) {
    for (const item of node) referencedFrom(doc, item, found);
  } else if (node && typeof node === 'object') {
    if (typeof node.$ref === 'string' && node.$ref.startsWith('#/') && !found.has(node.$ref)) {
      found.add(node.$ref);
      referencedFrom(doc, resolvePointer(doc, node.$ref), found);
    }
    for (const value of Object.values(node)) referencedFrom(doc, value, found);
  }
  return found;
}

/** A string that is equal for two path items (or components) exactly when comparing them can find nothing. */
function fingerprint(doc, node) {
  if (node === undefined) return '';
  const refs = [...referencedFrom(doc, node)].sort();
  return JSON.stringify(node) + refs.map((ref) => `\n${ref} ${JSON.stringify(resolvePointer(doc, ref))}`).join('');
}

/** `before` and `after` reduced to the path items and components that differ, plus what those reference. */
function reduceToDifferences(before, after) {
  const paths = [...new Set([...Object.keys(before.paths ?? {}), ...Object.keys(after.paths ?? {})])].filter(
    (path) => fingerprint(before, before.paths?.[path]) !== fingerprint(after, after.paths?.[path]),
  );
  const components = [];
  for (const kind of componentKinds) {
    const names = new Set([...Object.keys(before.components?.[kind] ?? {}), ...Object.keys(after.components?.[kind] ?? {})]);
    for (const name of names) {
      const a = before.components?.[kind]?.[name];
      const b = after.components?.[kind]?.[name];
      if (JSON.stringify(a) !== JSON.stringify(b)) components.push([kind, name]);
    }
  }
  // The components to hand over: the changed ones and everything the changed path items and components reference,
  // in either spec (a path item only one of them has still needs, in the other, what it would reference there).
  const keep = new Set(components.map(([kind, name]) => `#/components/${kind}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  for (const doc of [before, after]) {
    const roots = [...paths.map((path) => doc.paths?.[path]), ...components.map(([kind, name]) => doc.components?.[kind]?.[name])];
    for (const ref of referencedFrom(doc, roots)) keep.add(ref);
  }
  const reduce = (doc) => {
    const reducedComponents = Object.fromEntries(componentKinds.map((kind) => [kind, {}]));
    for (const ref of keep) {
      const [section, kind, name, ...deeper] = pointerOf(ref);
      const value = doc.components?.[kind]?.[name];
      if (section === 'components' && deeper.length === 0 && value !== undefined) reducedComponents[kind][name] = value;
    }
    const reducedPaths = Object.fromEntries(paths.filter((path) => doc.paths?.[path]).map((path) => [path, doc.paths[path]]));
    return { ...doc, paths: reducedPaths, components: { ...doc.components, ...reducedComponents } };
  };
  // Document-level fields (global security, servers, ...) are compared as they are.
  const topLevel = (doc) => JSON.stringify(Object.entries(doc).filter(([key]) => key !== 'paths' && key !== 'components'));
  const unchanged = paths.length === 0 && components.length === 0 && topLevel(before) === topLevel(after);
  return { before: reduce(before), after: reduce(after), unchanged };
}

/** Schemas (by name) reachable from any operation of `doc`. */
function schemasUsedByOperations(doc) {
  const used = new Set();
  for (const item of Object.values(doc.paths ?? {})) {
    for (const ref of referencedFrom(doc, item)) {
      const [, kind, name] = pointerOf(ref);
      if (kind === 'schemas') used.add(name);
    }
  }
  return used;
}

/**
 * Follows `segments` from `start` through `doc`, dereferencing on the way. Returns the last schema component passed
 * through (`Invoice`) and the segments after it, or the node reached. Parameters are indexed as the library
 * indexes them: the operation's own, then the path item's.
 */
function locate(doc, start, segments) {
  let node = start;
  let component;
  let relative = [];
  const follow = () => {
    for (let hops = 0; node?.$ref && hops < 32; hops += 1) {
      const [, kind, name] = pointerOf(node.$ref);
      if (kind === 'schemas') {
        component = name;
        relative = [];
      }
      node = resolvePointer(doc, node.$ref);
    }
  };
  for (const segment of segments) {
    follow();
    let next = node?.[segment];
    // The library merges `allOf`; a property it reports at the merged level lives in one of the members.
    if (next === undefined && node && typeof node === 'object') {
      for (const member of [...(node.allOf ?? []), ...(node.oneOf ?? []), ...(node.anyOf ?? [])]) {
        let resolved = member;
        for (let hops = 0; resolved?.$ref && hops < 32; hops += 1) resolved = resolvePointer(doc, resolved.$ref);
        if (resolved?.[segment] !== undefined) {
          node = member;
          follow();
          next = node?.[segment];
          break;
        }
      }
    }
    node = next;
    relative.push(segment);
  }
  return { component, relative, node };
}

/**
 * `['properties', 'data', 'items', 'properties', 'status', 'enum', 2]` → `{ name: 'data[].status', rest: ['enum', 2] }`:
 * the property the change is in, and the changed keyword. `isProperty` when the path ends at a property itself.
 */
function propertyPath(segments) {
  let name = '';
  let index = 0;
  let isProperty = false;
  for (;;) {
    const [a, b] = [segments[index], segments[index + 1]];
    const last = index + 2 >= segments.length;
    if (a === 'properties' && b !== undefined) {
      name += name ? `.${b}` : String(b);
      index += 2;
      isProperty = true;
    } else if (a === 'items' || a === 'additionalProperties') {
      name += a === 'items' ? '[]' : '{}';
      index += 1;
      isProperty = false;
    } else if (['allOf', 'oneOf', 'anyOf', 'prefixItems'].includes(a) && typeof b === 'number' && !last) {
      index += 2;
      isProperty = false;
    } else break;
  }
  return { name, rest: segments.slice(index), isProperty: isProperty && index === segments.length };
}

const show = (value) => (typeof value === 'string' ? `'${value}'` : JSON.stringify(value));
const typeText = (type) => (Array.isArray(type) ? type.join(' | ') : String(type ?? 'any'));
const verbs = { add: 'added', remove: 'removed', replace: 'changed', rename: 'renamed' };

/**
 * The words for one change to a schema at `rest` (after the property path), on `side` ('response', 'request' or
 * 'parameter'), and whether the SDK counts it as breaking whatever the library said (or undefined).
 */
function schemaChange(diff, { rest, isProperty }, side) {
  const [key, index] = rest;
  if (isProperty) {
    // Code that reads a response property no longer compiles once the property is gone from the type.
    if (diff.action === 'remove') return { what: `${side} property removed`, breaking: side === 'response' ? true : undefined };
    return { what: `${side} property ${verbs[diff.action]}` };
  }
  if (rest.length === 0) return { what: `${side} schema ${verbs[diff.action]}` };
  if (key === 'required' && typeof index === 'number') {
    const name = diff.action === 'remove' ? diff.before : diff.after;
    return { what: `${side} property ${diff.action === 'add' ? 'now required' : 'no longer required'}`, property: name };
  }
  if (key === 'required') return { what: `${side} required properties ${verbs[diff.action]}` };
  if (key === 'enum' && typeof index === 'number') {
    // A comparison with a value the response type no longer has does not compile.
    const value = diff.action === 'remove' ? diff.before : diff.after;
    return {
      what: `${side} enum value ${show(value)} ${verbs[diff.action]}`,
      breaking: side === 'response' && diff.action === 'remove' ? true : undefined,
    };
  }
  if (['oneOf', 'anyOf', 'allOf'].includes(key) && typeof index === 'number') return { what: `${side} ${key} member ${verbs[diff.action]}` };
  if (key === 'type') {
    // In TypeScript terms: integer and number are both `number`. A response type may narrow, a request or
    // parameter type may widen; anything else changes what compiles.
    const types = (value) => new Set([value].flat().filter((type) => type !== undefined).map((type) => (type === 'integer' ? 'number' : type)));
    const [was, is] = [types(diff.before), types(diff.after)];
    const within = (a, b) => [...a].every((type) => b.has(type));
    const compatible = side === 'response' ? within(is, was) : side === 'model' ? within(is, was) && within(was, is) : within(was, is);
    return { what: `${side} type changed from ${typeText(diff.before)} to ${typeText(diff.after)}`, breaking: compatible ? undefined : true };
  }
  const from = diff.before !== undefined && typeof diff.before !== 'object' ? ` from ${show(diff.before)}` : '';
  const to = diff.after !== undefined && typeof diff.after !== 'object' ? ` to ${show(diff.after)}` : '';
  return { what: `${side} ${rest.filter((segment) => typeof segment === 'string').join('.')} ${verbs[diff.action]}${diff.action === 'replace' ? `${from}${to}` : ''}` };
}

/**
 * Describes one diff of the library. Returns `{ type, subject, what, operation?, model? }`, or undefined for
 * changes that matter to no consumer (descriptions, examples, summaries).
 */
function describe(diff, before, after) {
  const docOf = diff.action === 'add' ? after : before;
  const [root, first, second, ...rest] = diff.path;
  // Tags, tag groups, the document's info and the SDK's extensions change no consumer's code; the facade names do.
  if (['tags', 'x-tagGroups', 'info', 'externalDocs'].includes(root)) return undefined;
  if (diff.path.some((segment) => typeof segment === 'string' && segment.startsWith('x-') && !sdkNames.includes(segment))) return undefined;
  let type = diff.type;
  let text;
  let operation;
  let model;

  if (root === 'paths' && httpMethods.includes(second)) {
    const doc = docOf.paths?.[first]?.[second] ? docOf : diff.action === 'add' ? before : after;
    const item = doc.paths?.[first] ?? {};
    const op = item[second] ?? {};
    operation = { operationId: op.operationId ?? `${second.toUpperCase()} ${first}`, method: second.toUpperCase(), path: first };
    if (rest.length === 0) text = { what: `operation ${verbs[diff.action]}` };
    else if (rest[0] === 'deprecated') text = { what: diff.after ? 'deprecated' : 'no longer deprecated' };
    else if (sdkNames.includes(rest[0]) && rest.length === 1) {
      const beforeOp = before.paths?.[first]?.[second] ?? {};
      const afterOp = after.paths?.[first]?.[second] ?? {};
      const facade = (o) => `${o['x-sdk-resource'] ?? '?'}.${o['x-sdk-method'] ?? '?'}()`;
      text =
        rest[0] === 'operationId'
          ? { what: `operationId renamed from ${show(diff.before)}` }
          : { what: `facade method renamed from ${facade(beforeOp)} to ${facade(afterOp)}` };
      text.breaking = diff.action !== 'add';
    } else if (rest[0] === 'parameters' && typeof rest[1] === 'number') {
      const parameters = [...(op.parameters ?? []), ...(item.parameters ?? [])];
      let parameter = parameters[rest[1]];
      for (let hops = 0; parameter?.$ref && hops < 32; hops += 1) parameter = resolvePointer(doc, parameter.$ref);
      const label = `${parameter?.in ?? ''} parameter \`${parameter?.name ?? rest[1]}\``.trim();
      const tail = rest.slice(2);
      if (tail.length === 0) text = { subject: label, what: `${verbs[diff.action]}${diff.action === 'add' && parameter?.required ? ' (required)' : ''}` };
      else if (tail[0] === 'required') text = { subject: label, what: diff.after ? 'now required' : 'no longer required' };
      else if (tail[0] === 'schema') {
        const located = propertyPath(tail.slice(1));
        const name = located.name;
        const change = schemaChange(diff, located, 'parameter');
        text = { ...change, subject: `${label}${name ? ` ${name}` : ''}`, what: change.what.replace(/^parameter /, '') };
      } else if (['description', 'example', 'examples'].includes(tail[0])) return undefined;
      else text = { subject: label, what: `${tail.join('.')} ${verbs[diff.action]}` };
    } else if (rest[0] === 'requestBody' || rest[0] === 'responses') {
      const response = rest[0] === 'responses';
      const status = response ? rest[1] : undefined;
      const tail = response ? rest.slice(2) : rest.slice(1);
      const side = response ? 'response' : 'request';
      if (tail.length === 0) text = { what: response ? `response ${status} ${verbs[diff.action]}` : `request body ${verbs[diff.action]}` };
      else if (tail[0] === 'required' && !response) text = { what: diff.after ? 'request body now required' : 'request body no longer required' };
      else if (tail[0] === 'content' && tail.length === 2) text = { what: `${side}${status ? ` ${status}` : ''} content type ${tail[1]} ${verbs[diff.action]}` };
      else if (tail[0] === 'content' && tail[2] === 'schema') {
        const schemaPath = diff.path.slice(0, diff.path.indexOf('schema', 3) + 1);
        const start = locate(doc, doc, schemaPath.slice(0, -1)).node;
        const located = locate(doc, start, ['schema', ...tail.slice(3)]);
        const where = propertyPath(located.component ? located.relative : tail.slice(3));
        const name = where.name;
        const change = schemaChange(diff, where, side);
        const property = change.property ? (name ? `${name}.${change.property}` : change.property) : name;
        const subject = located.component ? [located.component, property].filter(Boolean).join('.') : `${response ? `response ${status}` : 'request body'}${property ? ` ${property}` : ''}`;
        text = { ...change, subject };
      } else if (tail[0] === 'headers') text = { what: `response ${status} header ${tail[1]} ${verbs[diff.action]}` };
      else if (['description', 'example', 'examples'].includes(tail.at(-1)) || tail.includes('examples')) return undefined;
      else text = { what: `${side} ${tail.join('.')} ${verbs[diff.action]}` };
    } else if (rest[0] === 'security') text = { what: 'security requirements changed' };
    else if (rest[0] === 'servers') text = { what: 'servers changed' };
    else if (['summary', 'description', 'tags', 'externalDocs'].includes(rest[0]) || String(rest[0]).startsWith('x-')) return undefined;
    else text = { what: `${rest.join('.')} ${verbs[diff.action]}` };
  } else if (root === 'paths') {
    text = { subject: first, what: `path ${verbs[diff.action]}` };
  } else if (root === 'components' && first === 'schemas') {
    // Every schema is a model the SDK exports under its name (`import type { Invoice }`).
    model = second;
    if (rest.length === 0) text = { subject: second, what: `model ${verbs[diff.action]}` };
    else {
      const where = propertyPath(rest);
      const name = where.name;
      const change = schemaChange(diff, where, 'model');
      const property = change.property ? (name ? `${name}.${change.property}` : change.property) : name;
      text = { ...change, subject: [second, property].filter(Boolean).join('.') };
    }
  } else if (root === 'components') {
    // Parameters, responses, request bodies, ...: what they change, they change in the operations that use them.
    return undefined;
  } else {
    text = { what: `${diff.path.join('.')} ${verbs[diff.action]}` };
  }

  // The SDK's own view on top of the library's, where the two differ (see the top of this file).
  if (text.breaking === true) type = 'breaking';
  if (type === 'unclassified') type = 'breaking';
  if (type === 'deprecated') type = 'non-breaking';
  if (type === 'annotation') return undefined;
  return { type, subject: text.subject, what: text.what, operation, model };
}

/**
 * The changes from `before` to `after` (bundled specs), one per thing that changed, each with the operations it
 * touches: `[{ type: 'breaking' | 'non-breaking', subject, what, operations: [{ operationId, method, path }] }]`,
 * breaking ones first.
 */
export function apiChanges(before, after) {
  const reduced = reduceToDifferences(before, after);
  if (reduced.unchanged) return [];
  const diffs = apiDiff(reduced.before, reduced.after);
  // A change inside a schema that operations use is reported under each of them; the change to the component
  // itself would repeat it. Schemas no operation uses are still models of the SDK (exported types): keep those.
  const used = new Set([...schemasUsedByOperations(before), ...schemasUsedByOperations(after)]);
  const changes = new Map();
  for (const diff of diffs) {
    const described = describe(diff, reduced.before, reduced.after);
    if (!described) continue;
    if (described.model && used.has(described.model) && diff.path.length > 3) continue;
    // One change, one line: a change to a shared schema or parameter (it has a subject) is one change, whatever
    // the number of operations it reaches; anything else belongs to its operation.
    const op = described.operation;
    const owner = described.subject ? '' : `${op?.method} ${op?.path}`;
    const key = `${described.type}\n${described.subject ?? ''}\n${described.what}\n${owner}`;
    const change = changes.get(key) ?? { type: described.type, subject: described.subject, what: described.what, operations: [] };
    if (op && !change.operations.some((known) => known.operationId === op.operationId && known.path === op.path)) change.operations.push(op);
    changes.set(key, change);
  }
  const order = (change) => `${change.type === 'breaking' ? 0 : 1} ${change.operations[0]?.path ?? '~'} ${change.operations[0]?.method ?? ''} ${change.subject ?? ''} ${change.what}`;
  return [...changes.values()].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

const operationText = (op) => `${op.operationId} ${op.method} ${op.path}`;

/**
 * One line for a change: its class, then the operation and what changed in it, or, for a change to a shared
 * schema or parameter, what changed and the operations it reaches (the first few, and how many more).
 */
export function formatChange(change, { maxOperations = 4 } = {}) {
  let text;
  if (!change.subject) text = change.operations.length ? `${change.operations.map(operationText).join(', ')}: ${change.what}` : change.what;
  else {
    const shown = change.operations.slice(0, maxOperations).map(operationText);
    const more = change.operations.length - shown.length;
    const where = shown.length ? ` (${shown.join(', ')}${more > 0 ? ` and ${more} more operation${more === 1 ? '' : 's'}` : ''})` : '';
    text = `${change.subject}: ${change.what}${where}`;
  }
  return `${change.type.padEnd(12)}  ${text}`;
}

/** The summary line and one line per change. */
export function formatReport(changes, { heading = 'API changes' } = {}) {
  const breaking = changes.filter((change) => change.type === 'breaking').length;
  return [`${heading}: ${breaking} breaking, ${changes.length - breaking} non-breaking`, ...changes.map((change) => `  ${formatChange(change)}`)];
}
