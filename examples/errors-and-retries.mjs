// @ts-check
// Typed errors, per-call timeouts and retries. Prism answers with the status asked for in `Prefer: code=...`.
// Run: npm run build && npm run mock, then node examples/errors-and-retries.mjs
import { createTogaiClient, NotFoundError, TogaiApiError, TogaiValidationError } from 'togai-sdk-unofficial';

const togai = createTogaiClient({
  baseUrl: process.env.TOGAI_BASE_URL || 'http://127.0.0.1:4010',
  token: process.env.TOGAI_API_TOKEN || 'mock-token',
  maxRetries: 3, // GETs are retried on 408/429/5xx and network errors
  timeout: 10_000, // per attempt, in milliseconds
});

try {
  await togai.accounts.get({ accountId: 'ACC-missing' }, { headers: { Prefer: 'code=404' }, timeout: 2_000 });
} catch (error) {
  if (error instanceof NotFoundError) console.log(`not found: ${error.apiMessage} (status ${error.status}, ${error.method} ${error.path})`);
  else throw error;
}

try {
  // Rejected before anything is sent: ".." would change the path.
  await togai.accounts.get({ accountId: '..' });
} catch (error) {
  if (error instanceof TogaiValidationError) console.log(`validation: ${error.message}`);
  else throw error;
}

try {
  await togai.accounts.delete({ accountId: 'ACC00001' }, { headers: { Prefer: 'code=403' }, maxRetries: 0 });
} catch (error) {
  if (error instanceof TogaiApiError) console.log(`${error.name}: ${error.status}`);
  else throw error;
}
