// The API change report (scripts/lib/api-changes.mjs, api-smart-diff underneath) on edits of the bundled spec, and
// the drift check refusing a breaking change that is not acknowledged (scripts/lib/release.mjs), end to end on a
// copy of the repository's spec and scripts.
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiChanges, formatChange, formatReport, type ApiChange } from '../scripts/lib/api-changes.mjs';
import { breakingBumpOf, changelogSection, unacknowledged } from '../scripts/lib/release.mjs';
import { root } from './support/built-dist.js';
import { describeRun, run } from './support/run.js';
import { spec, specOperationsById, type Json } from './support/spec.js';

const edited = (edit: (document: Json) => void): Json => {
  const document = structuredClone(spec) as Json;
  edit(document);
  return document;
};
const schemas = spec.components.schemas as Json;
const operationLabel = (id: string) => `${id} ${specOperationsById[id]!.method} ${specOperationsById[id]!.path}`;
/** An optional property of a schema (one the schema does not require). */
const optionalProperty = (schema: Json) => Object.keys(schema.properties).find((name) => !(schema.required ?? []).includes(name))!;

describe('the change report', () => {
  test('an unchanged spec has no changes', () => {
    expect(apiChanges(spec, structuredClone(spec))).toEqual([]);
    expect(formatReport([])).toEqual(['API changes: 0 breaking, 0 non-breaking']);
  });

  test('an added optional response property is non-breaking, named by its schema, in every operation answering it', () => {
    const changes = apiChanges(spec, edited((d) => (d.components.schemas.Account.properties.nickname = { type: 'string' })));
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ type: 'non-breaking', subject: 'Account.nickname', what: 'response property added' });
    const ids = changes[0]!.operations.map((op) => op.operationId);
    expect(ids).toEqual(expect.arrayContaining(['getAccount', 'getAccounts', 'createAccount', 'updateAccount']));
    const [summary, line] = formatReport(changes);
    expect(summary).toBe('API changes: 0 breaking, 1 non-breaking');
    expect(line).toMatch(/^ {2}non-breaking {2}Account\.nickname: response property added \(\w+ (GET|POST|PATCH) \/[^ ]+, .* and \d+ more operations?\)$/);
  });

  test('a removed operation is breaking, with its operationId, method and path', () => {
    const [id] = Object.keys(specOperationsById).filter((candidate) => specOperationsById[candidate]!.method === 'DELETE');
    const { path, method } = specOperationsById[id!]!;
    const changes = apiChanges(spec, edited((d) => delete d.paths[path][method.toLowerCase()]));
    expect(changes.map((change) => formatChange(change))).toContain(`breaking      ${operationLabel(id!)}: operation removed`);
    expect(formatReport(changes)[0]).toMatch(/^API changes: [1-9]\d* breaking, \d+ non-breaking$/);
  });

  test('a removed response property is breaking, named by its schema, in every operation answering it', () => {
    const property = 'pricePlanId' in schemas.Invoice.properties ? 'pricePlanId' : optionalProperty(schemas.Invoice);
    const changes = apiChanges(spec, edited((d) => delete d.components.schemas.Invoice.properties[property]));
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ type: 'breaking', subject: `Invoice.${property}`, what: 'response property removed' });
    expect(formatChange(changes[0]!)).toContain(operationLabel('getInvoice'));
    expect(formatReport(changes)[0]).toBe('API changes: 1 breaking, 0 non-breaking');
  });

  test('what else breaks a caller: a request property newly required, a response enum value removed, a type changed, a facade method renamed', () => {
    const requestProperty = optionalProperty(schemas.CreateAccountRequest);
    const cases: [string, (d: Json) => void, string][] = [
      [
        'required',
        (d) => (d.components.schemas.CreateAccountRequest.required = [...(schemas.CreateAccountRequest.required ?? []), requestProperty]),
        `CreateAccountRequest.${requestProperty}: request property now required`,
      ],
      ['enum', (d) => d.components.schemas.Account.properties.status.enum.pop(), `Account.status: response enum value 'ARCHIVED' removed`],
      ['type', (d) => (d.components.schemas.Account.properties.name.type = 'integer'), 'Account.name: response type changed from string to integer'],
      ['facade', (d) => (d.paths['/accounts'].get['x-sdk-method'] = 'listAll'), 'getAccounts GET /accounts: facade method renamed from accounts.list() to accounts.listAll()'],
    ];
    for (const [label, edit, expected] of cases) {
      const changes = apiChanges(spec, edited(edit));
      expect(changes.map((change) => change.type), label).toEqual(['breaking']);
      expect(formatChange(changes[0]!), label).toContain(`breaking      ${expected}`);
    }
  });

  test('documentation alone (a description, an example) is no API change', () => {
    const changes = apiChanges(
      spec,
      edited((d) => {
        d.components.schemas.Account.description = 'Reworded.';
        d.paths['/accounts'].get.summary = 'Reworded too';
      }),
    );
    expect(changes).toEqual([]);
  });
});

describe('acknowledging a breaking change', () => {
  const breaking: ApiChange[] = [{ type: 'breaking', subject: 'Invoice.pricePlanId', what: 'response property removed', operations: [] }];
  const removedOperation: ApiChange[] = [
    { type: 'breaking', what: 'operation removed', operations: [{ operationId: 'deleteAlias', method: 'DELETE', path: '/aliases/{alias}' }] },
  ];

  test('needs the next minor version on 0.x (the next major from 1.0) and a changelog section naming the change', () => {
    expect(breakingBumpOf('0.1.3')).toBe('0.2.0');
    expect(breakingBumpOf('1.4.0')).toBe('2.0.0');
    const changelog = '# Changelog\n\n## 0.2.0\n\n- `Invoice.pricePlanId` is gone; `deleteAlias` too.\n\n## 0.1.0\n\nFirst.\n';
    expect(changelogSection(changelog, '0.2.0')).toContain('pricePlanId');
    expect(changelogSection(changelog, '0.1.0')).not.toContain('pricePlanId');
    expect(unacknowledged({ changes: [...breaking, ...removedOperation], releasedVersion: '0.1.0', version: '0.2.0', changelog })).toEqual([]);
    expect(unacknowledged({ changes: breaking, releasedVersion: '0.1.0', version: '0.1.1', changelog })).toEqual([
      "package.json's version is 0.1.1: a breaking change after 0.1.0 needs 0.2.0 or later",
      'CHANGELOG.md has no section "## 0.1.1" listing the breaking changes',
    ]);
    expect(unacknowledged({ changes: breaking, releasedVersion: '0.1.0', version: '0.2.0', changelog: '## 0.2.0\n\n- `Invoice.pricePlanIds`\n' })).toEqual([
      "CHANGELOG.md's sections after 0.1.0 do not name Invoice.pricePlanId",
    ]);
    // A change since the release may be named in any later section up to this version's, not in older ones.
    const two = '## 0.3.0\n\n- `deleteAlias` is gone.\n\n## 0.2.0\n\n- `Invoice.pricePlanId` is gone.\n\n## 0.1.0\n\n- `Other`\n';
    expect(unacknowledged({ changes: [...breaking, ...removedOperation], releasedVersion: '0.1.0', version: '0.3.0', changelog: two })).toEqual([]);
    expect(unacknowledged({ changes: breaking, releasedVersion: '0.2.0', version: '0.3.0', changelog: two })).toEqual([
      "CHANGELOG.md's sections after 0.2.0 do not name Invoice.pricePlanId",
    ]);
    // Non-breaking changes need nothing.
    expect(unacknowledged({ changes: [{ ...breaking[0]!, type: 'non-breaking' }], releasedVersion: '0.1.0', version: '0.1.0', changelog: '' })).toEqual([]);
  });
});

describe('the drift check on a copy of the repository', { timeout: 180_000 }, () => {
  let copy = '';
  let removed = { operationId: '', method: '', path: '' };

  beforeAll(async () => {
    copy = await mkdtemp(join(tmpdir(), 'togai-api-change-'));
    for (const entry of ['openapi', 'scripts', 'generated', 'released', 'CHANGELOG.md', 'redocly.yaml', 'package.json', 'README.md', '.prettierrc.json']) {
      await cp(join(root, entry), join(copy, entry), { recursive: true });
    }
    await symlink(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
    // Remove a DELETE operation from the path item file that holds it (one that keeps another operation).
    for (const op of Object.values(specOperationsById).filter((candidate) => candidate.method === 'DELETE')) {
      const name = `${op.path.slice(1).replaceAll('/', '@')}.yaml`;
      const areas = await readdir(join(copy, 'openapi'));
      const area = areas.find((folder) => existsSync(join(copy, 'openapi', folder, 'paths', name)));
      if (!area) continue;
      const file = join(copy, 'openapi', area, 'paths', name);
      const document = YAML.parseDocument(await readFile(file, 'utf8'));
      if (Object.keys(document.toJS()).filter((key) => ['get', 'put', 'post', 'patch'].includes(key)).length === 0) continue;
      document.delete('delete');
      await writeFile(file, document.toString());
      removed = { operationId: op.operationId, method: op.method, path: op.path };
      break;
    }
  }, 60_000);

  afterAll(async () => {
    if (copy) await rm(copy, { recursive: true, force: true });
  });

  const script = (name: string) => run(process.execPath, [join('scripts', name)], { cwd: copy, timeoutMs: 120_000 });

  test('generate reports the removed operation as breaking, and check-drift refuses it until it is acknowledged', async () => {
    expect(removed.operationId).not.toBe('');
    const generate = await script('generate.mjs');
    expect(generate.code, describeRun('generate', generate)).toBe(0);
    const lines = generate.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^generated generated\/openapi\.json, .* in \d+ ms$/);
    expect(lines[1]).toMatch(/^API changes: [1-9]\d* breaking, \d+ non-breaking$/);
    expect(lines.slice(2)).toContain(`  breaking      ${removed.operationId} ${removed.method} ${removed.path}: operation removed`);
    expect(lines.slice(2).every((line) => /^ {2}(breaking {4}|non-breaking) {2}\S/.test(line)), generate.stdout).toBe(true);

    const refused = await script('check-drift.mjs');
    expect(refused.code, describeRun('check-drift', refused)).toBe(1);
    expect(refused.stdout).toContain(`${removed.operationId} ${removed.method} ${removed.path}: operation removed`);
    expect(refused.stderr).toContain('are not acknowledged');
    expect(refused.stderr).toContain(`do not name ${removed.operationId}`);

    // Acknowledged: the version bumped and a changelog section naming the operation.
    const manifest = JSON.parse(await readFile(join(copy, 'package.json'), 'utf8')) as { version: string };
    const next = breakingBumpOf(manifest.version);
    await writeFile(join(copy, 'package.json'), JSON.stringify({ ...manifest, version: next }, null, 2));
    const changelog = await readFile(join(copy, 'CHANGELOG.md'), 'utf8');
    const entry = `## ${next}\n\n### Breaking\n- \`${removed.operationId}\` (${removed.method} ${removed.path}) is gone.\n\n`;
    await writeFile(join(copy, 'CHANGELOG.md'), changelog.replace(/^## /m, `${entry}## `));
    const accepted = await script('check-drift.mjs');
    expect(accepted.code, describeRun('check-drift (acknowledged)', accepted)).toBe(0);
    expect(accepted.stdout).toMatch(/^API changes since \d+\.\d+\.\d+: [1-9]\d* breaking/m);
  });
});
