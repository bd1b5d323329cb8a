// The authored spec against the facts of Togai's published docs: operations, variants, deprecations, servers,
// security, error responses, and examples that validate against their own schemas.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, test } from 'vitest';
import { operations, servers } from '../generated/operations.js';
import { readCopy, readShared } from '../scripts/lib/reference.mjs';
import { parseIndex } from '../scripts/lib/togai-index.mjs';
import { deref, firstExample, spec, specOperationsById, type Json } from './support/spec.js';

// Togai's index of the whole production API (151 operations), from the repository's copy (test/reference/); the flat
// paths of our spec are a subset of it.
const indexRows = parseIndex(readCopy('index'));
const productionIndex = indexRows.map(({ method, path, operationId, deprecated }) => [method, path, operationId, deprecated] as const);
// The customer-scoped variant is documented only in the sandbox AccountsApi (its operations carry `ForCustomer`).
const scoped: [string, string, string, boolean][] = [
  ['GET', '/customers/{customer_id}/accounts', 'getAccountsForCustomer', false],
  ['POST', '/customers/{customer_id}/accounts', 'createAccountForCustomer', false],
  ['GET', '/customers/{customer_id}/accounts/{account_id}', 'getAccountForCustomer', false],
  ['PATCH', '/customers/{customer_id}/accounts/{account_id}', 'updateAccountForCustomer', false],
  ['DELETE', '/customers/{customer_id}/accounts/{account_id}', 'deleteAccountForCustomer', false],
  ['POST', '/customers/{customer_id}/accounts/{account_id}/add_aliases', 'addAliasesForCustomer', false],
  ['POST', '/customers/{customer_id}/accounts/{account_id}/remove_aliases', 'removeAliasesForCustomer', false],
  ['POST', '/customers/{customer_id}/accounts/{account_id}/price_plans', 'associatePricePlanForCustomer', false],
];

const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const specOperations = Object.entries(spec.paths as Json).flatMap(([path, item]) =>
  httpMethods.filter((m) => item[m]).map((m) => ({ path, method: m.toUpperCase(), item, operation: item[m] as Json })),
);

describe('operations', () => {
  test("the repository's copy of Togai's index lists what the reference does (where the reference is present)", () => {
    const shared = readShared('index');
    if (shared.text === undefined) {
      console.log(`Togai's index: ${shared.path} is not here; checking against the copy in test/reference/ only`);
      return;
    }
    expect(indexRows).toEqual(parseIndex(shared.text));
  });

  test('every flat operation is a row of Togai\'s production index, with its method, path and deprecation flag', () => {
    expect(productionIndex).toHaveLength(151);
    const rows = new Set(productionIndex.map((row) => JSON.stringify(row)));
    const flat = specOperations.filter(({ operation }) => operation['x-togai-variant'] === 'flat');
    for (const { method, path, operation } of flat) {
      expect(rows.has(JSON.stringify([method, path, operation.operationId, operation.deprecated === true])), operation.operationId).toBe(true);
    }
    const covered = new Set(flat.map(({ operation }) => operation.operationId));
    const byArea = new Map<string, [number, number]>();
    for (const { area, operationId } of indexRows) {
      const [done, all] = byArea.get(area) ?? [0, 0];
      byArea.set(area, [done + (covered.has(operationId) ? 1 : 0), all + 1]);
    }
    const complete = [...byArea].filter(([, [done, all]]) => done === all).map(([area]) => area);
    console.info(`spec covers ${covered.size} of ${productionIndex.length} production operations; complete areas: ${complete.join(', ')}`);
    expect(covered.size).toBe(productionIndex.length);
    // An area is taken whole or not at all: a half-covered area is a gap a user would trip over.
    expect([...byArea].filter(([, [done, all]]) => done > 0 && done < all)).toEqual([]);
  });

  test('the 8 customer-scoped operations of the sandbox AccountsApi', () => {
    const actual = specOperations
      .filter(({ operation }) => operation['x-togai-variant'] === 'customer-scoped')
      .map(({ method, path, operation }) => [method, path, operation.operationId, operation.deprecated === true]);
    expect(new Set(actual.map((row) => JSON.stringify(row)))).toEqual(new Set(scoped.map((row) => JSON.stringify(row))));
  });

  test('the deprecated operations are the rows Togai marks (DEPRECATED), all on flat paths', () => {
    expect(Object.values(operations).filter((op) => op.deprecated)).toHaveLength(indexRows.filter((row) => row.deprecated).length);
    expect(Object.values(operations).filter((op) => op.deprecated).every((op) => op.variant === 'flat')).toBe(true);
  });

  test('each variant is derivable from the spec alone: extension, path-item server and tag agree', () => {
    for (const { path, item, operation } of specOperations) {
      const isScoped = path.startsWith('/customers/{customer_id}/accounts');
      expect(operation['x-togai-variant'], path).toBe(isScoped ? 'customer-scoped' : 'flat');
      expect(item.servers[0].url, path).toBe(isScoped ? 'https://sandbox-api.togai.com' : 'https://api.togai.com');
      expect(operation.tags[0] === 'Customer accounts', path).toBe(isScoped);
    }
    expect(servers).toEqual({ flat: 'https://api.togai.com', 'customer-scoped': 'https://sandbox-api.togai.com' });
    expect(spec.servers.map((s: Json) => s.url)).toEqual(['https://api.togai.com', 'https://sandbox-api.togai.com']);
  });

  test('operationIds follow the naming rule and are unique', () => {
    const ids = specOperations.map(({ operation }) => operation.operationId as string);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [, , id] of scoped) expect(id).toMatch(/ForCustomer$/);
  });

  test('success statuses as documented (account creation is 201)', () => {
    expect(specOperationsById.createAccount!.successStatus).toBe(201);
    expect(specOperationsById.createAccountForCustomer!.successStatus).toBe(201);
    const others = Object.values(specOperationsById).filter((op) => op.resource === 'accounts' && !op.operationId.startsWith('createAccount'));
    expect(others.every((op) => op.successStatus === 200)).toBe(true);
  });

  test('every operation documents ErrorResponse for 400, 401, 403, 404, 429 and default', () => {
    for (const { operation } of specOperations) {
      for (const status of ['400', '401', '403', '404', '429', 'default']) {
        const response = deref(operation.responses[status]);
        expect(deref(response?.content?.['application/json']?.schema), `${operation.operationId} ${status}`).toBe(
          spec.components.schemas.ErrorResponse,
        );
      }
    }
  });

  test('bearer and X-API-Key security schemes, required globally', () => {
    expect(spec.components.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http', scheme: 'bearer' },
      apiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    });
    expect(spec.security).toEqual([{ bearerAuth: [] }, { apiKeyAuth: [] }]);
  });

  test('documented constraints and query parameters', () => {
    expect(operations.initiateOneTimeEntitlementPlan.pathParams.account_id).toEqual({ minLength: 1, maxLength: 50 });
    expect(specOperationsById.getAccounts!.queryParams).toEqual(['nextToken', 'pageSize']);
    expect(specOperationsById.getAccountsForCustomer!.queryParams).toEqual(['nextToken', 'pageSize']);
    expect(specOperationsById.getAccount!.queryParams).toEqual(['effectiveOn', 'includeGroupDetails']);
    expect([...specOperationsById.getPricingSchedules!.queryParams].sort()).toEqual(
      ['compact', 'end_date', 'include_price_plan_info', 'nextToken', 'pageSize', 'start_date'].sort(),
    );
    expect(specOperationsById.updatePricingScheduleBatch!.queryParams).toEqual(['dry_run']);
    const pageSize = (id: string) =>
      deref(deref(spec.paths[operations[id as keyof typeof operations].path])!.get.parameters.map(deref).find((p: Json) => p.name === 'pageSize').schema);
    expect(pageSize('getAccounts')?.type).toBe('number'); // BigDecimal in the production docs
    expect(pageSize('getAccountsForCustomer')?.type).toBe('string'); // String in the sandbox docs
    expect(operations.initiateOneTimeEntitlementPlan.idempotencyKeyField).toBe('idempotencyKey');
  });

  test('same-named models that differ between API versions are separate components', () => {
    const schemas = spec.components.schemas as Json;
    expect(schemas.Account.properties.status.enum).toEqual(['ACTIVE', 'DRAFT', 'ARCHIVED']);
    expect(schemas.SandboxAccount.properties.status.enum).toEqual(['ACTIVE', 'ARCHIVED']);
    expect(schemas.CreateAccountRequest.required).toContain('customerId');
    expect(schemas.SandboxCreateAccountRequest.properties.customerId).toBeUndefined();
  });
});

describe('examples', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ ...spec, $id: 'spec.json' } as Json, 'spec.json');

  const examples = specOperations.flatMap(({ operation, item }) => {
    const found: { where: string; pointer: Json; value: unknown }[] = [];
    const media = (holder: Json | undefined, where: string) => {
      const content = deref(holder)?.content?.['application/json'];
      for (const [name, example] of Object.entries((content?.examples ?? {}) as Json)) {
        found.push({ where: `${operation.operationId} ${where} ${name}`, pointer: content.schema, value: deref(example)?.value });
      }
    };
    if (operation.requestBody) media(operation.requestBody, 'request');
    for (const [status, response] of Object.entries(operation.responses as Json)) media(response, status);
    for (const parameter of [...(item.parameters ?? []), ...(operation.parameters ?? [])].map(deref)) {
      if (parameter?.example !== undefined) {
        found.push({ where: `${operation.operationId} parameter ${parameter.name}`, pointer: parameter.schema, value: parameter.example });
      }
    }
    return found;
  });

  test('every operation has a success-response example, and a request example when it takes a body', () => {
    for (const { operation } of specOperations) {
      const id = operation.operationId as string;
      // A download answers with a redirect (its example is the Location header), every other operation with JSON.
      if (!operation['x-sdk-download']) expect(examples.some((e) => e.where.startsWith(`${id} 20`)), id).toBe(true);
      if (operation.requestBody) expect(examples.some((e) => e.where.startsWith(`${id} request`)), id).toBe(true);
    }
  });

  test.each(examples.map((e) => [e.where, e] as const))('%s is valid against its schema', (_, { pointer, value }) => {
    const schema = pointer.$ref ? { $ref: `spec.json${pointer.$ref}` } : pointer;
    const validate = ajv.compile(schema);
    expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
  });

  test('the first example of every paginated list is a last page, so walking a list against the mock ends', () => {
    // Prism answers with an operation's first example, whatever nextToken a request carries.
    const paginated = Object.values(operations).filter((op) => op.pagination);
    expect(paginated.map((op) => op.operationId)).toEqual(expect.arrayContaining(['getAccounts', 'getAccountsForCustomer', 'getPricingSchedules']));
    for (const op of paginated) {
      const response = spec.paths[op.path][op.method.toLowerCase()].responses[String(specOperationsById[op.operationId]!.successStatus)];
      const first = firstExample(response) as Json;
      expect(first[op.pagination!.itemsField], op.operationId).not.toEqual([]);
      expect(first, op.operationId).not.toHaveProperty(op.pagination!.tokenField);
    }
  });

  test('a broken example is caught (the validation above can fail)', () => {
    const validate = ajv.compile({ $ref: 'spec.json#/components/schemas/Account' });
    expect(validate({ id: 'ACC1', name: 'x', status: 'SLEEPING' })).toBe(false);
  });
});
