// @ts-check
// A purchase moves money, so it always carries an idempotency key: yours, or one the SDK generates once and
// repeats on every retry. The purchase operations are deprecated; this also shows routing their warnings.
// Run: npm run build && npm run mock, then node examples/purchase.mjs
import { randomUUID } from 'node:crypto';
import { createTogaiClient } from 'togai-sdk-unofficial';

const togai = createTogaiClient({
  baseUrl: process.env.TOGAI_BASE_URL || 'http://127.0.0.1:4010',
  token: process.env.TOGAI_API_TOKEN || 'mock-token',
  onDeprecation: (notice) => console.log(`deprecated: ${notice.code}`),
});

const orderId = randomUUID(); // keep this with your order, so a retry after a crash reuses it
const purchase = await togai.accounts.createPurchase(
  { accountId: 'ACC00001', body: { pricePlanId: 'pp.20txw0FrqjQ.byM8V', type: 'ENTITLEMENT_GRANT', rateCardQuantities: { 'feature.20txvOAhiIS.m3X3d': 2 } } },
  { idempotencyKey: orderId },
);
console.log(`purchase ${purchase.id}: ${purchase.status}`);

const purchases = await togai.accounts.listPurchases({ accountId: 'ACC00001' });
console.log(`the account has ${purchases.data?.length ?? 0} purchase(s) on this page`);
