// @ts-check
// The customer-scoped paths of the sandbox: every call names the customer that owns the account.
// Run: npm run build && npm run mock, then node examples/customer-scoped.mjs
import { createTogaiClient } from 'togai-sdk-unofficial';

const togai = createTogaiClient({
  environment: 'sandbox', // customer-scoped paths: /customers/{customer_id}/accounts/...
  baseUrl: process.env.TOGAI_BASE_URL || 'http://127.0.0.1:4010',
  apiKey: process.env.TOGAI_API_KEY || 'mock-api-key', // sent as X-API-Key
});

const customerId = 'CUS00001';
const created = await togai.accounts.create({ customerId, body: { id: 'ACC00042', name: 'Acme Europe', aliases: ['acme-eu'] } });
console.log(`created ${created.id} with ${created.aliases?.length ?? 0} alias(es)`);

const withAlias = await togai.accounts.addAliases({ customerId, accountId: created.id, body: { aliases: ['eu@acme.example'] } });
console.log(`aliases now: ${(withAlias.aliases ?? []).map((a) => a.alias).join(', ')}`);

const association = await togai.accounts.associatePricePlan({
  customerId,
  accountId: created.id,
  body: { pricePlanName: 'Growth plan', effectiveFrom: '2025-01-01' },
});
console.log(`${association.accountName} has ${association.pricingSchedules.length} pricing schedule(s)`);
