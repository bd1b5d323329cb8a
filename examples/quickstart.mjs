// @ts-check
// Quickstart: create a client, fetch an account, walk a paginated list.
// Run against the local mock:  npm run build && npm run mock   (then, in another terminal)  node examples/quickstart.mjs
import { createTogaiClient } from 'togai-sdk-unofficial';

const togai = createTogaiClient({
  environment: 'production', // flat paths: /accounts/...
  baseUrl: process.env.TOGAI_BASE_URL || 'http://127.0.0.1:4010', // omit to talk to https://api.togai.com
  token: process.env.TOGAI_API_TOKEN || 'mock-token',
});

const account = await togai.accounts.get({ accountId: 'ACC00001' });
console.log(`account ${account.id} (${account.name}) is ${account.status}`);

// Awaiting a list gives its first page...
const firstPage = await togai.accounts.list({ query: { pageSize: 50 } });
console.log(`first page: ${firstPage.items.length} account(s), more: ${firstPage.hasNextPage()}`);

// ...and `for await` walks every item of every page, fetching the next page while there is a nextToken.
let count = 0;
for await (const item of togai.accounts.list({ query: { pageSize: 50 } })) {
  console.log(`  listed ${item.id}`);
  count += 1;
}
console.log(`listed ${count} account(s) in all`);
