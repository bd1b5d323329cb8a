// The README's tables of facade methods and of write safety are derived from the spec, like generated/: the
// pipeline rewrites what stands between their markers, and the drift check fails when they are stale.
import { collectOperations, groupByResource } from './operations-metadata.mjs';

const code = (text) => `\`${text}\``;

/** One row per resource: its methods, each with the operation(s) it calls. */
function resourcesTable(operations) {
  const resources = groupByResource(operations);
  const rows = [];
  for (const [resource, methods] of resources) {
    for (const [method, ops] of methods) {
      const flat = ops.find((op) => op.variant === 'flat');
      const scoped = ops.find((op) => op.variant === 'customer-scoped');
      const describe = (op) => (op ? `${code(`${op.method} ${op.path}`)}${op.deprecated ? ' (deprecated' + (op.successor ? `; use ${code(op.successor)})` : ')') : ''}` : '—');
      const paged = ops.some((op) => op.pagination) ? ' (paginated)' : '';
      rows.push(`| ${code(`${resource}.${method}`)}${paged} | ${describe(flat)} | ${describe(scoped)} |`);
    }
  }
  return ['| facade method | flat paths | customer-scoped paths |', '|---|---|---|', ...rows].join('\n');
}

/** Why a write may or may not be resent after the server may have acted on it. */
function safetyOf(op) {
  if (op.generatedKeys.length > 0) {
    const where = op.generatedKeys.map(code).join(', ');
    return ['yes', `keyed: the SDK fills ${where} before the first attempt when you leave it out, and every retry repeats it`];
  }
  if (op.declaredIdempotent === true) return ['yes', 'a query or check that changes nothing (`x-sdk-idempotent`)'];
  if (op.declaredIdempotent === false) return ['no', 'marked not to be resent (`x-sdk-idempotent: false`): a second request would act again; only a 429 or a connection refused before sending is retried'];
  if (op.idempotent) return ['yes', `${op.method} is idempotent by definition`];
  return ['no', 'Togai gives it no idempotency field: only a 429 or a connection refused before sending is retried'];
}

function writesTable(operations) {
  const rows = Object.values(operations)
    .filter((op) => op.method !== 'GET')
    .map((op) => {
      const [resent, why] = safetyOf(op);
      return `| ${code(`${op.resource}.${op.sdkMethod}`)} | ${code(`${op.method} ${op.path}`)} | ${resent} | ${why} |`;
    });
  return ['| facade method | operation | resent after a 5xx, timeout or reset? | why |', '|---|---|---|---|', ...rows].join('\n');
}

function replaceBetween(text, name, content) {
  const start = `<!-- ${name}:start (generated from the spec by npm run generate) -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to < from) throw new Error(`README.md lacks the ${name} markers`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

/** The README with its generated tables brought up to date. */
export function renderReadme(readme, bundle) {
  const operations = collectOperations(bundle);
  return replaceBetween(replaceBetween(readme, 'resources', resourcesTable(operations)), 'writes', writesTable(operations));
}
