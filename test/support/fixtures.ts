// Request and response bodies the behaviour tests share: valid for the flat paths, and nothing more than a test needs.
import type { Event } from '../../src/index.js';

// A minimal valid flat-paths Account, for loopback servers that need to answer something real.
export const account = {
  id: 'ACC1',
  togaiAccountId: 'tgai.acc.1',
  togaiCustomerId: 'tgai.cus.1',
  name: 'Acme',
  customerId: 'CUS1',
  status: 'ACTIVE',
};

/** The body of `accounts.create` (a write without an idempotency key). */
export const newAccount = { id: 'ACC1', name: 'Acme', customerId: 'CUS1' };

/** The body of `accounts.createPurchase` (a write with a top-level idempotency key). */
export const purchaseBody = { pricePlanId: 'PP1' };

/** The body of `invoices.createCustom` (a write with a top-level idempotency key). */
export const invoiceBody = {
  accountId: 'ACC1',
  startDate: '2024-07-01T00:00:00Z',
  endDate: '2024-07-31T23:59:59Z',
  status: 'DRAFT' as const,
  lineItems: [],
};

/** One of `credits.create`'s `creditRequests` (each keyed by its own idempotency key). */
export const grant = (accountId: string) => ({
  accountId,
  purpose: 'promo',
  effectiveFrom: '2024-07-01',
  priority: 1,
  creditAmount: 10,
});

/** A valid usage event, without an id. */
export const usageEvent = (): Event => ({
  schemaName: 'api_calls',
  timestamp: '2024-07-15T10:30:00Z',
  accountId: 'ACC1',
  attributes: [{ name: 'calls', value: '1', unit: 'None' }],
  dimensions: { region: 'us-east-1' },
});

/** A version 4 UUID, as the SDK generates for idempotency keys and event ids. */
export const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
