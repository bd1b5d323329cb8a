// Type-level tests: checked by `tsc --noEmit` and vitest's typecheck. An unused @ts-expect-error fails the build,
// so each of these proves a mistake does not compile.
import createClient from 'openapi-fetch';
import { describe, expectTypeOf, test } from 'vitest';
import type { components, paths } from '../generated/schema.js';
import { createTogaiClient, type Page } from '../src/index.js';

type Schemas = components['schemas'];
const raw = createClient<paths>({ baseUrl: 'https://api.togai.com' });

describe('request bodies are exact', () => {
  test('a misspelled field does not compile', () => {
    const body: Schemas['CreateAccountRequest'] = {
      id: 'ACC1',
      name: 'Acme',
      customerId: 'CUS1',
      // @ts-expect-error: `primaryEmial` is not a property
      primaryEmial: 'a@b.example',
    };
    expectTypeOf(body).toEqualTypeOf<Schemas['CreateAccountRequest']>();
  });

  test('a snake_case wire name does not compile', () => {
    // @ts-expect-error: the wire name is customerId
    const body: Schemas['CreateAccountRequest'] = { id: 'ACC1', name: 'Acme', customer_id: 'CUS1' };
    void body;
  });

  test('a missing required field does not compile', () => {
    // @ts-expect-error: customerId is required on the flat create request
    const body: Schemas['CreateAccountRequest'] = { id: 'ACC1', name: 'Acme' };
    void body;
  });

  test('enums are closed', () => {
    // @ts-expect-error: DRAFT is not a sandbox account status
    const status: Schemas['SandboxAccount']['status'] = 'DRAFT';
    void status;
  });

  test('the raw typed client rejects wrong bodies and wrong paths', () => {
    async function unused() {
      // @ts-expect-error: a required body field is missing in POST /accounts
      await raw.POST('/accounts', { body: { id: 'A', name: 'N' } });
      // @ts-expect-error: wrong type for a body field
      await raw.POST('/accounts', { body: { id: 'A', name: 'N', customerId: 'C', netTermDays: '30' } });
      // @ts-expect-error: account_id is required
      await raw.GET('/accounts/{account_id}', { params: { path: {} } });
      // @ts-expect-error: no such path
      await raw.GET('/account/{account_id}', { params: { path: { account_id: 'A' } } });
    }
    void unused;
  });
});

describe('responses carry the documented fields', () => {
  test('raw client: getAccount returns Account', () => {
    async function unused() {
      const { data } = await raw.GET('/accounts/{account_id}', { params: { path: { account_id: 'A' } } });
      expectTypeOf(data).toEqualTypeOf<Schemas['Account'] | undefined>();
      if (data) {
        expectTypeOf(data.togaiAccountId).toEqualTypeOf<string>();
        expectTypeOf(data.status).toEqualTypeOf<'ACTIVE' | 'DRAFT' | 'ARCHIVED'>();
        expectTypeOf(data.netTermDays).toEqualTypeOf<number | undefined>();
      }
    }
    void unused;
  });

  test('purchase responses carry status and type enums', () => {
    expectTypeOf<Schemas['Purchase']['status']>().toEqualTypeOf<Schemas['PurchaseStatus']>();
    expectTypeOf<Schemas['Purchase']['id']>().toEqualTypeOf<string>();
  });
});

describe('the facade is typed by path style', () => {
  const flat = createTogaiClient({ token: 't', environment: 'production' });
  const scoped = createTogaiClient({ token: 't', environment: 'sandbox' });

  test('flat: get returns Account; customer-scoped: SandboxAccount', () => {
    expectTypeOf(flat.accounts.get).returns.resolves.toEqualTypeOf<Schemas['Account']>();
    expectTypeOf(scoped.accounts.get).returns.resolves.toEqualTypeOf<Schemas['SandboxAccount']>();
    expectTypeOf(flat.pathStyle).toEqualTypeOf<'flat'>();
    expectTypeOf(scoped.pathStyle).toEqualTypeOf<'customer-scoped'>();
  });

  test('customer-scoped calls need customerId; flat bodies need customerId', () => {
    async function unused() {
      // @ts-expect-error: customerId is missing
      await scoped.accounts.get({ accountId: 'A' });
      await scoped.accounts.get({ customerId: 'C', accountId: 'A' });
      // @ts-expect-error: the flat create body requires customerId
      await flat.accounts.create({ body: { id: 'A', name: 'N' } });
      await flat.accounts.create({ body: { id: 'A', name: 'N', customerId: 'C' } });
      // @ts-expect-error: misspelled body field through the facade
      await flat.accounts.create({ body: { id: 'A', name: 'N', customerId: 'C', primaryEmial: 'x' } });
      // @ts-expect-error: snake_case body field through the facade
      await flat.accounts.create({ body: { id: 'A', name: 'N', customer_id: 'C' } });
      // @ts-expect-error: snake_case argument names are not accepted
      await flat.accounts.get({ account_id: 'A' });
    }
    void unused;
  });

  test('an operation of the other variant cannot be called', () => {
    async function unused() {
      // @ts-expect-error: associatePricePlan exists only on customer-scoped paths
      await flat.accounts.associatePricePlan({ accountId: 'A', body: { pricePlanId: 'pp' } });
      // @ts-expect-error: listAliases exists only on flat paths
      await scoped.accounts.listAliases({ accountId: 'A' });
    }
    void unused;
  });

  test('list operations are paginated', async () => {
    type FirstPage = Awaited<ReturnType<typeof flat.accounts.list>>;
    expectTypeOf<FirstPage>().toEqualTypeOf<Page<Schemas['Account'], Schemas['AccountPaginatedResponse']>>();
  });
});

describe('resources and named models', () => {
  test('every schema is exported under its own name from the package root', () => {
    expectTypeOf<import('../src/index.js').Account>().toEqualTypeOf<Schemas['Account']>();
    expectTypeOf<import('../src/index.js').Customer>().toEqualTypeOf<Schemas['Customer']>();
    expectTypeOf<import('../src/index.js').Invoice>().toEqualTypeOf<Schemas['Invoice']>();
  });

  test('each area is a resource of the client, routed to its operation', () => {
    const togai = createTogaiClient({ token: 't' });
    expectTypeOf(togai.customers.get).parameter(0).toEqualTypeOf<{ customerId: string }>();
    expectTypeOf(togai.invoiceGroups.addAccounts).returns.resolves.toEqualTypeOf<Schemas['InvoiceGroups']>();
    // @ts-expect-error: path arguments are camelCase
    void togai.customers.get({ customer_id: 'CUS1' });
  });

  test('a literal variant lists only the methods it can call', () => {
    const flat = createTogaiClient({ token: 't', environment: 'production' });
    const scoped = createTogaiClient({ token: 't', environment: 'sandbox' });
    // @ts-expect-error: associatePricePlan exists only on customer-scoped paths
    void flat.accounts.associatePricePlan;
    // @ts-expect-error: listAliases exists only on flat paths
    void scoped.accounts.listAliases;
    // @ts-expect-error: the customers resource has no customer-scoped operation at all
    void scoped.customers;
    expectTypeOf(flat.accounts).not.toHaveProperty('associatePricePlan');
    expectTypeOf(scoped.accounts).toHaveProperty('associatePricePlan');
  });

  test('a variant known only at run time keeps every method', () => {
    const style = (process.env.STYLE === 'flat' ? 'flat' : 'customer-scoped') as 'flat' | 'customer-scoped';
    const togai = createTogaiClient({ token: 't', pathStyle: style });
    expectTypeOf(togai.accounts).toHaveProperty('associatePricePlan');
    expectTypeOf(togai.accounts).toHaveProperty('listAliases');
    expectTypeOf(togai).toHaveProperty('customers');
  });

  test('.withResponse() gives data and the response; pages carry their response', () => {
    const togai = createTogaiClient({ token: 't' });
    expectTypeOf(togai.accounts.get({ accountId: 'A' }).withResponse()).resolves.toEqualTypeOf<{
      data: Schemas['Account'];
      response: Response;
    }>();
    expectTypeOf(togai.accounts.list().withResponse()).resolves.toHaveProperty('response').toEqualTypeOf<Response>();
    expectTypeOf<Page<Schemas['Account'], Schemas['AccountPaginatedResponse']>['response']>().toEqualTypeOf<Response>();
  });
});

describe('query arguments', () => {
  test('a required query parameter makes `query` required', () => {
    const togai = createTogaiClient({ token: 't' });
    // @ts-expect-error: schedules.list needs query.mode
    void togai.schedules.list({ accountId: 'ACC1' });
    // @ts-expect-error: mode is ACTIVE or DRAFT
    void togai.schedules.list({ accountId: 'ACC1', query: { mode: 'LIVE' } });
    void togai.schedules.list({ accountId: 'ACC1', query: { mode: 'ACTIVE' } });
    void togai.customers.list();
  });
});
