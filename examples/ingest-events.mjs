// @ts-check
// Ingesting usage events at volume: the ingester batches them into ingestBatch calls of up to 500, resends a batch
// that failed in a way that may pass later (with the same event ids, so nothing counts twice) and reports what was
// accepted and what failed.
// Run: npm run build && npm run mock, then node examples/ingest-events.mjs
import { createTogaiClient } from 'togai-sdk-unofficial';
import { createIngester } from 'togai-sdk-unofficial/ingester';

const togai = createTogaiClient({
  baseUrl: process.env.TOGAI_BASE_URL || 'http://127.0.0.1:4010',
  token: process.env.TOGAI_API_TOKEN || 'mock-token',
});
const ingester = createIngester(togai, { flushInterval: 1_000 });

// On SIGTERM (a deploy, Ctrl-C is SIGINT), deliver what is queued, within the grace period, before exiting.
for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT'])) {
  process.once(signal, async () => {
    const report = await ingester.close({ timeout: 10_000 });
    console.log(`${signal}: accepted ${report.accepted}, failed ${report.failed.length}`);
    process.exit(report.failed.length === 0 ? 0 : 1);
  });
}

let firstId = '';
for (let call = 0; call < 1_200; call += 1) {
  // add() resolves once the event is queued (it waits while maxQueued events are held) and gives back its id.
  const id = await ingester.add({
    schemaName: 'api_calls',
    timestamp: new Date().toISOString(),
    accountId: 'ACC00001',
    attributes: [{ name: 'calls', value: '1', unit: 'None' }],
    dimensions: { region: 'us-east-1', endpoint: '/v1/search' },
  });
  firstId ||= id;
}
console.log(`queued 1200 events; the first has id ${firstId}`);

// close() delivers everything queued, stops the timers, and reports.
const report = await ingester.close();
console.log(`accepted ${report.accepted}, failed ${report.failed.length}, in ${report.batches} batch(es)`);
for (const { event, error } of report.failed) console.log(`  ${event.id}: ${error.message}`);
