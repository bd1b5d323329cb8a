// Names on the wire, against the WIRE-NAMES tables of Togai's docs (copies in test/reference/). For every listed
// query or header parameter of an operation our spec has, and every listed property of a model our spec has, the
// wire name must be there and the Java-docs name must not. Rows for operations or models the spec does not have
// (yet) are skipped and counted, so each new area of the spec is checked as soon as it lands.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { root } from './support/built-dist.js';
import { derefIn, spec, type Json } from './support/spec.js';

type Variant = 'production' | 'sandbox';
type Row =
  | { kind: 'parameter'; variant: Variant; operation: string; path: string; in: string; java: string; wire: string }
  | { kind: 'property'; variant: Variant; model: string; java: string; wire: string; wireType?: string };

const variants: Variant[] = ['production', 'sandbox'];
const referenceDir = process.env.TOGAI_REFERENCE_DIR ?? join(root, '..', 'shared', 'reference', 'togai-docs');
const copyOf = (variant: Variant) => join(root, 'test', 'reference', `wire-names-${variant}.md`);

const tables: Record<string, { columns: string[]; toRow: (cells: string[], variant: Variant) => Row }> = {
  'Query and header parameters': {
    columns: ['API', 'operation', 'path', 'in', 'Java name', 'wire name'],
    toRow: ([, operation, path, where, java, wire], variant) => ({
      kind: 'parameter',
      variant,
      operation: operation!,
      path: path!,
      in: where!,
      java: nameOf(java!).name,
      wire: nameOf(wire!).name,
    }),
  },
  'Model properties': {
    columns: ['model', 'Java name', 'wire name'],
    toRow: ([model, java, wire], variant) => {
      const { name, note } = nameOf(wire!);
      return { kind: 'property', variant, model: model!, java: nameOf(java!).name, wire: name, ...(note && { wireType: note }) };
    },
  },
};

/** `allowOngoingCycleUpdates (shown as Object)` → the name, and the note in parentheses. */
function nameOf(cell: string): { name: string; note?: string } {
  const match = /^(\S+)(?:\s+\((.+)\))?$/.exec(cell);
  if (!match) throw new Error(`cannot read a name from table cell "${cell}"`);
  return { name: match[1]!, ...(match[2] && { note: match[2] }) };
}

/** The rows of both tables of one WIRE-NAMES.md; throws when the tables are not laid out as expected. */
export function parseWireNames(markdown: string, variant: Variant): Row[] {
  const rows: Row[] = [];
  let table: (typeof tables)[string] | undefined;
  let header: string[] | undefined;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) {
      table = tables[line.slice(3).trim()];
      header = undefined;
      if (!table) throw new Error(`unknown section in WIRE-NAMES.md: ${line}`);
      continue;
    }
    if (!line.startsWith('|')) continue;
    const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
    if (!table) throw new Error(`table outside a known section: ${line}`);
    if (!header) {
      header = cells;
      if (header.join('|') !== table.columns.join('|')) throw new Error(`expected the columns ${table.columns.join(', ')}: ${line}`);
    } else if (!cells.every((cell) => /^:?-+:?$/.test(cell))) {
      if (cells.length !== header.length) throw new Error(`expected ${header.length} cells: ${line}`);
      rows.push(table.toRow(cells, variant));
    }
  }
  return rows;
}

const rowLabel = (row: Row) =>
  row.kind === 'parameter'
    ? `${row.variant} ${row.operation} (${row.in}) ${row.java} → ${row.wire}`
    : `${row.variant} ${row.model}.${row.java} → ${row.wire}${row.wireType ? ` (${row.wireType})` : ''}`;

const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type Verdict = { applies: false } | { applies: true; target: string; problems: string[] };

/** Checks rows against one OpenAPI document (our bundled spec, or a modified copy in the control cases). */
export function wireNameChecker(document: Json): (row: Row) => Verdict {
  const deref = derefIn(document);
  const schemas = (document.components?.schemas ?? {}) as Json;
  const operations = Object.entries(document.paths as Json).flatMap(([path, rawItem]) => {
    const item = deref(rawItem)!;
    return httpMethods.filter((m) => item[m]).map((m) => ({ path, item, operation: item[m] as Json }));
  });

  // Models the two API versions share keep their name (no `Sandbox` prefix): those a customer-scoped operation uses.
  const usedByScoped = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const ref = (node as Json).$ref as string | undefined;
    const name = ref?.match(/^#\/components\/schemas\/(.+)$/)?.[1];
    if (name && !usedByScoped.has(name)) {
      usedByScoped.add(name);
      visit(schemas[name]);
    }
    if (ref) visit(deref(node as Json));
    Object.values(node).forEach(visit);
  };
  for (const { operation } of operations) if (operation['x-togai-variant'] === 'customer-scoped') visit(operation);

  function modelName(row: Extract<Row, { kind: 'property' }>): string | undefined {
    // The Java generator's `XAllOf` class is the inline part of X's `allOf`, which our spec keeps inside X.
    const names = [row.model, row.model.replace(/AllOf$/, '')];
    for (const name of names) {
      if (row.variant === 'production' && schemas[name]) return name;
      if (row.variant === 'sandbox' && schemas[`Sandbox${name}`]) return `Sandbox${name}`;
      if (row.variant === 'sandbox' && schemas[name] && usedByScoped.has(name)) return name;
    }
    return undefined;
  }

  /** Every property of a schema, including those it takes from the members of its `allOf`. */
  function propertiesOf(schema: Json | undefined, seen = new Set<Json>()): Map<string, Json | undefined> {
    const found = new Map<string, Json | undefined>();
    if (!schema || seen.has(schema)) return found;
    seen.add(schema);
    for (const [name, property] of Object.entries((schema.properties ?? {}) as Json)) found.set(name, deref(property));
    for (const member of (schema.allOf ?? []) as Json[]) {
      for (const [name, property] of propertiesOf(deref(member), seen)) if (!found.has(name)) found.set(name, property);
    }
    return found;
  }

  return (row) => {
    const problems: string[] = [];
    if (row.kind === 'parameter') {
      const operationId = row.variant === 'sandbox' ? `${row.operation}ForCustomer` : row.operation;
      const match = operations.find(({ operation }) => operation.operationId === operationId);
      if (!match) return { applies: false };
      if (match.path !== row.path) problems.push(`${operationId} is at ${match.path}, the docs have it at ${row.path}`);
      const fold = (name: string) => (row.in === 'header' ? name.toLowerCase() : name);
      const names = [...(match.item.parameters ?? []), ...(match.operation.parameters ?? [])]
        .map(deref)
        .filter((parameter) => parameter?.in === row.in)
        .map((parameter) => fold(parameter!.name as string));
      if (!names.includes(fold(row.wire))) problems.push(`no ${row.in} parameter "${row.wire}" (has: ${names.join(', ') || 'none'})`);
      if (names.includes(fold(row.java))) problems.push(`${row.in} parameter "${row.java}" is the Java name, not the wire name`);
      return { applies: true, target: `${operationId} ${match.path}`, problems };
    }
    const name = modelName(row);
    if (!name) return { applies: false };
    const properties = propertiesOf(deref(schemas[name]));
    if (!properties.has(row.wire)) problems.push(`no property "${row.wire}" (has: ${[...properties.keys()].join(', ')})`);
    if (properties.has(row.java)) problems.push(`property "${row.java}" is the Java name, not the wire name`);
    const type = properties.get(row.wire)?.type as string | string[] | undefined;
    if (row.wireType && properties.has(row.wire) && ![type].flat().includes(row.wireType)) {
      problems.push(`property "${row.wire}" has type ${JSON.stringify(type)}, the wire has ${row.wireType}`);
    }
    return { applies: true, target: `schema ${name}`, problems };
  };
}

const rows = variants.flatMap((variant) => parseWireNames(readFileSync(copyOf(variant), 'utf8'), variant));
const check = wireNameChecker(spec);
const checked = rows.flatMap((row) => {
  const verdict = check(row);
  return verdict.applies ? [{ row, ...verdict }] : [];
});

describe('the copies of the WIRE-NAMES tables', () => {
  test.each(variants)('%s: same rows as the reference (where the reference is present)', (variant) => {
    const reference = join(referenceDir, variant, 'WIRE-NAMES.md');
    if (!existsSync(reference)) {
      console.log(`wire names: ${reference} is not here; checking against the copy in test/reference/ only`);
      return;
    }
    expect(parseWireNames(readFileSync(copyOf(variant), 'utf8'), variant)).toEqual(parseWireNames(readFileSync(reference, 'utf8'), variant));
  });
});

describe('wire names in the spec', () => {
  test.each(checked.map(({ row, target, problems }) => [`${rowLabel(row)} in ${target}`, problems] as const))('%s', (_, problems) => {
    expect(problems).toEqual([]);
  });

  test('rows that belong to the spec are checked; the others are counted as skipped', () => {
    console.log(`wire names: checked ${checked.length} of ${rows.length} rows; ${rows.length - checked.length} name operations or models not in the spec`);
    // The rows of today's spec; more appear as areas are added, these must never drop out (a parsing or matching bug).
    expect(checked.map(({ row }) => rowLabel(row))).toEqual(
      expect.arrayContaining([
        'production getPricingSchedules (query) startDate → start_date',
        'production getPricingSchedules (query) endDate → end_date',
        'production getPricingSchedules (query) includePricePlanInfo → include_price_plan_info',
        'production updatePricingScheduleBatch (query) dryRun → dry_run',
        'production PricePlanDetails.allowOngoingCycleUpdates → allow_ongoing_cycle_updates (boolean)',
      ]),
    );
  });
});

describe('control cases: the check fails on the mistakes it exists for', () => {
  const problemsFor = (document: Json, row: Row) => {
    const verdict = wireNameChecker(document)(row);
    return verdict.applies ? verdict.problems : ['(row not applied)'];
  };
  const find = (label: string) => rows.find((row) => rowLabel(row) === label)!;
  const mutableCopy = () => structuredClone(spec) as Json;

  test('a query parameter under its Java name', () => {
    const document = mutableCopy();
    const parameter = (document.paths['/accounts/{account_id}/pricing_schedules'].get.parameters as Json[]).find((p) => p.name === 'start_date')!;
    parameter.name = 'startDate';
    expect(problemsFor(document, find('production getPricingSchedules (query) startDate → start_date'))).toEqual([
      expect.stringContaining('no query parameter "start_date"'),
      expect.stringContaining('"startDate" is the Java name'),
    ]);
  });

  test('a property under its Java name, brought in through allOf, and a wire name with the wrong type', () => {
    const row = find('production PricePlanDetails.allowOngoingCycleUpdates → allow_ongoing_cycle_updates (boolean)');
    const document = mutableCopy();
    const original = document.components.schemas.PricePlanDetails as Json;
    document.components.schemas.PricePlanDetailsBase = original;
    document.components.schemas.PricePlanDetails = {
      allOf: [{ $ref: '#/components/schemas/PricePlanDetailsBase' }, { properties: { allowOngoingCycleUpdates: { type: 'boolean' } } }],
    };
    expect(problemsFor(document, row)).toEqual([expect.stringContaining('"allowOngoingCycleUpdates" is the Java name')]);
    original.properties.allow_ongoing_cycle_updates = { type: 'string' };
    expect(problemsFor(document, row)).toEqual([
      expect.stringContaining('"allowOngoingCycleUpdates" is the Java name'),
      expect.stringContaining('has type "string", the wire has boolean'),
    ]);
  });

  test('a sandbox row applies to the Sandbox model, and an operation at another path is reported', () => {
    const document = mutableCopy();
    document.components.schemas.SandboxEventAttributeSchema = { type: 'object', properties: { defaultUnit: { type: 'string' } } };
    expect(problemsFor(document, find('sandbox EventAttributeSchema.defaultUnit → default_unit'))).toEqual([
      expect.stringContaining('no property "default_unit"'),
      expect.stringContaining('"defaultUnit" is the Java name'),
    ]);
    const moved = mutableCopy();
    moved.paths['/accounts/{account_id}/schedules'] = moved.paths['/accounts/{account_id}/edit_schedules'];
    delete moved.paths['/accounts/{account_id}/edit_schedules'];
    expect(problemsFor(moved, find('production updatePricingScheduleBatch (query) dryRun → dry_run'))).toEqual([
      expect.stringContaining('is at /accounts/{account_id}/schedules'),
    ]);
  });

  test('a table laid out differently is refused rather than read as no rows', () => {
    expect(() => parseWireNames('## Model properties\n\n| model | wire name |\n|---|---|\n| A | b |\n', 'production')).toThrow();
    expect(() => parseWireNames('## Headers\n\n| a |\n', 'production')).toThrow(/unknown section/);
  });
});
