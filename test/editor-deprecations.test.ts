// What an editor shows: deprecated facade methods and raw path operations carry the JSDoc @deprecated tag, so
// the TypeScript language service reports their use as deprecated (editors strike it through), and the hover
// names the successor where the spec names one.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = `import { createTogaiClient, type paths } from '../../src/index.js';
const togai = createTogaiClient({ token: 't', environment: 'production' });
void togai.accounts.listPricingSchedules({ accountId: 'A' });
void togai.accounts.getPurchase({ purchaseId: 'P' });
void togai.accounts.get({ accountId: 'A' });
void togai.schedules.list({ accountId: 'A', query: { mode: 'ACTIVE' } });
declare const purchases: paths['/purchases/{purchase_id}'];
declare const account: paths['/accounts/{account_id}'];
void purchases.get;
void account.get;
`;

let dir: string;
let service: ts.LanguageService;
let file: string;

beforeAll(async () => {
  await mkdir(join(root, '.tmp'), { recursive: true });
  dir = await mkdtemp(join(root, '.tmp', 'editor-'));
  file = join(dir, 'usage.ts');
  await writeFile(file, source);
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    resolveJsonModule: true,
  };
  service = ts.createLanguageService({
    getScriptFileNames: () => [file],
    getScriptVersion: () => '1',
    getScriptSnapshot: (name) => (ts.sys.fileExists(name) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(name)!) : undefined),
    getCurrentDirectory: () => root,
    getCompilationSettings: () => options,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  });
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The identifiers the language service reports as deprecated in the usage file. */
function deprecatedUses(): string[] {
  return service
    .getSuggestionDiagnostics(file)
    .filter((d) => d.reportsDeprecated)
    .map((d) => source.slice(d.start!, d.start! + d.length!));
}

describe('deprecations in the editor', () => {
  test('the usage compiles', () => {
    expect(service.getSemanticDiagnostics(file).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  }, 60_000);

  test('deprecated facade methods and raw path operations are struck through; current ones are not', () => {
    expect(deprecatedUses().sort()).toEqual(['get', 'getPurchase', 'listPricingSchedules']);
    // The one raw `get` reported is the deprecated purchase lookup, not the account one.
    const reported = service.getSuggestionDiagnostics(file).filter((d) => d.reportsDeprecated && source.slice(d.start!, d.start! + d.length!) === 'get');
    expect(source.slice(0, reported[0]!.start!)).toMatch(/purchases\.$/);
  });

  test('the hover of a deprecated method names its successor where the spec names one', () => {
    const tagsAt = (name: string) =>
      service.getQuickInfoAtPosition(file, source.indexOf(name) + 1)?.tags?.filter((t) => t.name === 'deprecated') ?? [];
    expect(ts.displayPartsToString(tagsAt('listPricingSchedules')[0]?.text)).toContain('client.schedules.list()');
    expect(tagsAt('getPurchase')).toHaveLength(1);
    expect(ts.displayPartsToString(tagsAt('getPurchase')[0]?.text)).toBe('');
    expect(tagsAt('schedules.list')).toHaveLength(0);
  });
});
