// 8. Event ingestion: usage events per second through `createIngester(client)` to a keep-alive loopback
// server (child process), against a hand-written loop that builds, serializes and posts 500-event batches over
// fetch with the same concurrency, the same loop over `togai.events.ingestBatch`, and one `events.ingest` call per
// event. Then the heap while a million events pass through the ingester to an in-memory fetch, and while a slow
// one keeps the queue full. The server counts
// the events it receives, so a contender that loses or duplicates events fails the bench instead of looking fast.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { token } from './fixtures.mjs';
import { collectGarbage, median } from './stats.mjs';

const batchSize = 500;
const mb = (bytes) => bytes / 1024 / 1024;

export const ingestionBaseline = 'hand-written loop: fetch';
export const ingestionContenders = [
  'ingester',
  ingestionBaseline,
  'hand-written loop: events.ingestBatch',
  'events.ingest per event',
];

/** A usage event of the spec's shape (about 200 bytes of JSON), without an id. */
function usageEvent(i) {
  return {
    schemaName: 'api_calls',
    timestamp: '2024-07-15T10:30:00Z',
    accountId: `ACC${i % 1000}`,
    attributes: [{ name: 'calls', value: String((i % 100) + 1), unit: 'None' }],
    dimensions: { region: 'us-east-1', endpoint: '/v1/search' },
  };
}

async function startIngestServer() {
  const child = fork(fileURLToPath(new URL('./ingester-server.mjs', import.meta.url)), { stdio: 'inherit' });
  const [{ port }] = await once(child, 'message');
  return {
    url: `http://127.0.0.1:${port}`,
    /** What the server received since the last take. */
    take: async () => {
      child.send('take');
      const [{ counts }] = await once(child, 'message');
      return counts;
    },
    stop: () => {
      child.disconnect();
      return once(child, 'exit');
    },
  };
}

/** Runs `worker` `concurrency` times in parallel; each takes the next slice of `total` until none is left. */
async function inSlices(total, size, concurrency, send) {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const start = next;
      next = Math.min(total, next + size);
      await send(start, next);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function contenders(sdk, url, concurrency) {
  const togai = sdk.createTogaiClient({ baseUrl: url, token, pathStyle: 'flat' });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  /** The events of [start, end), each with an id, as a hand-written loop builds them. */
  const batch = (start, end) => {
    const events = new Array(end - start);
    for (let i = start; i < end; i += 1) events[i - start] = { ...usageEvent(i), id: randomUUID() };
    return events;
  };
  return {
    ingester: async (total) => {
      const ingester = sdk.createIngester(togai, { concurrency });
      for (let i = 0; i < total; i += 1) await ingester.add(usageEvent(i));
      const report = await ingester.close();
      if (report.accepted !== total) throw new Error(`ingester: ${report.accepted} of ${total} accepted`);
    },
    [ingestionBaseline]: (total) =>
      inSlices(total, batchSize, concurrency, async (start, end) => {
        const response = await fetch(`${url}/ingestBatch`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ events: batch(start, end) }),
        });
        if (response.status !== 202) throw new Error(`ingestBatch answered ${response.status}`);
        await response.arrayBuffer();
      }),
    'hand-written loop: events.ingestBatch': (total) =>
      inSlices(total, batchSize, concurrency, (start, end) => togai.events.ingestBatch({ body: { events: batch(start, end) } })),
    'events.ingest per event': (total) =>
      inSlices(total, 1, concurrency, (start) => togai.events.ingest({ body: { event: usageEvent(start) } })),
  };
}

/**
 * Events per second of one run, and this process's CPU time per event (the server is another process, so this is
 * the client's own cost, which other load on the machine disturbs far less than wall time). Checks the server
 * received exactly `total` events, in batches of at most 500.
 */
async function measure(server, run, total) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run(total);
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  const counts = await server.take();
  if (counts.events !== total || counts.largestBatch > batchSize) {
    throw new Error(`the server received ${counts.events} of ${total} events (largest batch ${counts.largestBatch})`);
  }
  return { eventsPerSec: total / seconds, cpuUsPerEvent: (user + system) / total };
}

/** A fetch that reads each request body, counts its events and answers 202 after `delayMs`, without any network. */
function countingFetch(delayMs) {
  const counts = { events: 0, largestBatch: 0 };
  const marker = '"schemaName"';
  const accepted = JSON.stringify({ success: true, statusCode: 202, message: 'Events accepted for processing' });
  const fetch = async (input, init) => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const body = await request.text();
    let events = 0;
    for (let at = body.indexOf(marker); at !== -1; at = body.indexOf(marker, at + marker.length)) events += 1;
    counts.events += events;
    counts.largestBatch = Math.max(counts.largestBatch, events);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    return new Response(accepted, { status: 202, headers: { 'content-type': 'application/json' } });
  };
  return { fetch, counts };
}

/** Collects garbage, letting finalizers (undici frees request signals through a FinalizationRegistry) run between passes. */
async function settledHeap() {
  for (let pass = 0; pass < 3; pass += 1) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return process.memoryUsage().heapUsed;
}

/** The heap, sampled every 5 000 events, while `total` events pass through one ingester to an in-memory fetch. */
async function memory(sdk, { sink, total, delayMs, concurrency }) {
  const server = countingFetch(delayMs);
  const togai = sdk.createTogaiClient({ baseUrl: 'https://api.togai.com', token, pathStyle: 'flat', fetch: server.fetch });
  const before = await settledHeap();
  let peak = before;
  let mostQueued = 0;
  const started = performance.now();
  const ingester = sdk.createIngester(togai, { concurrency });
  for (let i = 0; i < total; i += 1) {
    await ingester.add(usageEvent(i));
    if (i % 5_000 === 0) {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      mostQueued = Math.max(mostQueued, ingester.queued);
    }
  }
  const report = await ingester.close();
  const seconds = (performance.now() - started) / 1000;
  const after = await settledHeap();
  if (report.accepted !== total || server.counts.events !== total || server.counts.largestBatch > batchSize) {
    throw new Error(`memory run: ${report.accepted} accepted, ${server.counts.events} received, of ${total}`);
  }
  return {
    sink,
    events: total,
    seconds,
    eventsPerSec: total / seconds,
    maxQueued: ingester.options.maxQueued,
    mostQueued,
    heapBeforeMB: mb(before),
    heapPeakMB: mb(peak),
    heapAfterMB: mb(after),
    heapGrowthMB: mb(after - before),
  };
}

export async function ingestion(sdk, { smoke }) {
  // Every contender gets the ingester's default concurrency.
  const { concurrency } = sdk.createIngester(sdk.createTogaiClient({ token, pathStyle: 'flat' })).options;
  // Many short rounds rather than a few long ones, order rotated: other work on the machine then hits every
  // contender alike, and the median drops the rounds it hit hardest.
  const rounds = smoke ? 1 : 7;
  const batched = smoke ? 2_000 : 30_000;
  const totals = {
    ingester: batched,
    [ingestionBaseline]: batched,
    'hand-written loop: events.ingestBatch': batched,
    'events.ingest per event': smoke ? 50 : 300,
  };
  const server = await startIngestServer();
  let rows;
  try {
    const run = contenders(sdk, server.url, concurrency);
    for (const name of ingestionContenders) await measure(server, run[name], Math.ceil(totals[name] / 5)); // warm-up
    const samples = Object.fromEntries(ingestionContenders.map((name) => [name, []]));
    for (let round = 0; round < rounds; round += 1) {
      for (let i = 0; i < ingestionContenders.length; i += 1) {
        const name = ingestionContenders[(i + round) % ingestionContenders.length];
        samples[name].push(await measure(server, run[name], totals[name]));
      }
    }
    rows = ingestionContenders.map((name) => ({
      name,
      events: totals[name],
      eventsPerSec: median(samples[name].map((sample) => sample.eventsPerSec)),
      cpuUsPerEvent: median(samples[name].map((sample) => sample.cpuUsPerEvent)),
    }));
  } finally {
    await server.stop();
  }
  const base = rows.find((row) => row.name === ingestionBaseline);
  for (const row of rows) {
    row.ratio = row.eventsPerSec / base.eventsPerSec;
    row.cpuRatio = row.cpuUsPerEvent / base.cpuUsPerEvent;
  }
  // A sink faster than the producer (the client's own footprint), then one slower (a batch every 50 ms per slot),
  // where add() must wait and the queue sits at maxQueued.
  const memoryRuns = [
    await memory(sdk, { sink: 'answers at once', total: smoke ? 20_000 : 1_000_000, delayMs: 0, concurrency }),
    await memory(sdk, { sink: 'answers after 50 ms', total: smoke ? 20_000 : 100_000, delayMs: 50, concurrency }),
  ];
  return { concurrency, batchSize, rounds, rows, memory: memoryRuns, gcExposed: typeof globalThis.gc === 'function' };
}
