// What an editor shows, through the TypeScript language service (what VS Code and others run): go-to-definition of
// a facade method lands in its area's generated declarations; hovers name the models (`PagedList<InvoiceSummary,
// ...>`, `CreateCustomerResponse`) and show the HTTP call; deprecated facade methods and raw path operations carry
// @deprecated (struck through), naming the successor where the spec names one.
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
export const invoices = togai.invoices.list({ query: { status: 'DUE' } });
export const customer = await togai.customers.create({ body: { id: 'C', name: 'N', primaryEmail: 'a@b.example' } as never });
export const finalizing = togai.pricePlanz;
const sandbox = createTogaiClient({ token: 't', environment: 'sandbox' });
void sandbox.accounts.get({ customerId: 'C', accountId: 'A' });
void togai.wallet.topUp;
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
  test('the usage compiles, but for the one misspelled resource', () => {
    const problems = service.getSemanticDiagnostics(file).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([expect.stringMatching(/Property 'pricePlanz' does not exist .*Did you mean 'pricePlans'/s)]);
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

/** Position just inside the `nth` occurrence of `text` in the usage file. */
const at = (text: string, nth = 0) => {
  let index = -1;
  for (let i = 0; i <= nth; i += 1) index = source.indexOf(text, index + 1);
  return index + 1;
};
const hover = (text: string, nth = 0) => ts.displayPartsToString(service.getQuickInfoAtPosition(file, at(text, nth))?.displayParts);
const hoverDocs = (text: string) => ts.displayPartsToString(service.getQuickInfoAtPosition(file, at(text))?.documentation);
const definitionFile = (text: string, nth = 0) => service.getDefinitionAtPosition(file, at(text, nth))?.map((d) => d.fileName.slice(root.length + 1));

describe('each area in the editor', () => {
  test("go-to-definition of a facade method lands in its area's declarations, per path variant", () => {
    expect(definitionFile('list({ query')).toEqual(['generated/areas/invoices.ts']);
    expect(definitionFile('create({ body')).toEqual(['generated/areas/customers.ts']);
    expect(definitionFile('topUp')).toEqual(['generated/areas/wallet.ts']);
    expect(definitionFile('get({ accountId')).toEqual(['generated/areas/accounts.ts']);
    expect(definitionFile('get({ customerId')).toEqual(['generated/areas/customer-accounts.ts']);
  });

  test('hovers name the models a method takes and returns', () => {
    expect(hover('list({ query')).toMatch(/\(method\) InvoicesResource\.list\(args\?: \{\s*query\?: ListInvoicesQuery;?\s*\}, options\?: RequestOptions\): PagedList<InvoiceSummary, ListInvoicesResponse>/);
    expect(hover('customer =')).toBe('const customer: CreateCustomerResponse');
    expect(hover('invoices =')).toBe('const invoices: PagedList<InvoiceSummary, ListInvoicesResponse>');
    expect(hover('topUp')).toMatch(/body\?: TopupWalletRequest/);
    expect(hover('topUp')).toMatch(/: APIPromise<WalletBalanceResponse>$/);
  });

  test('the hover documents the HTTP call and what happens on failure', () => {
    expect(hoverDocs('list({ query')).toMatch(/^List invoices\.\n\n`GET \/invoices` \(`listInvoices`\)\./);
    expect(hoverDocs('topUp')).toMatch(/`POST \/accounts\/\{account_id\}\/wallet_topup` \(`topUpWalletForAccount`\)\.[\s\S]*Not resent once the server may have acted on it/);
  });
});
