// 1,000 concurrent facade calls against a loopback server that injects faults into about one request in ten
// (500s, dropped connections, 429 with Retry-After: 0, slow answers). Every call must settle with data or a
// TogaiError, no write may be resent after the server could have acted on it, and nothing may be left
// behind: no unhandled rejection, no timer, no socket, no runaway heap.
import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTogaiClient, TogaiApiError, TogaiConnectionError, TogaiError } from '../src/index.js';
import { sendJson, startServer } from './support/http-server.js';

const calls = 1000;
const writes = 100; // every tenth call is a POST

type Answer = 'ok' | 'error-500' | 'reset' | 'rate-limited' | 'slow';
const faults: Answer[] = ['error-500', 'reset', 'rate-limited', 'slow'];

function respond(res: ServerResponse, answer: Answer, body: unknown) {
  if (answer === 'error-500') return sendJson(res, 500, { message: 'injected failure' });
  if (answer === 'reset') return void res.destroy();
  if (answer === 'rate-limited') return sendJson(res, 429, { message: 'slow down' }, { 'retry-after': '0' });
  if (answer === 'slow') return void setTimeout(() => sendJson(res, 200, body), 150);
  sendJson(res, 200, body);
}

/** Counts of the resources that would keep the process alive or leak: timers, sockets, servers. */
function liveResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo())
    if (/Timeout|TCP|Pipe/.test(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** The resources alive now that were not alive at `baseline` (by kind and count); {} when none. */
function leftSince(baseline: Record<string, number>): Record<string, number> {
  const extra: Record<string, number> = {};
  for (const [kind, count] of Object.entries(liveResources())) {
    if (count > (baseline[kind] ?? 0)) extra[kind] = count - (baseline[kind] ?? 0);
  }
  return extra;
}

async function leftoversSince(baseline: Record<string, number>): Promise<Record<string, number>> {
  // Closed sockets report their end on a later tick; poll briefly (bounded) before judging.
  for (let i = 0; i < 40 && Object.keys(leftSince(baseline)).length > 0; i += 1)
    await new Promise((r) => setTimeout(r, 25));
  return leftSince(baseline);
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeEach(() => void process.on('unhandledRejection', onUnhandled));
afterEach(() => void process.off('unhandledRejection', onUnhandled));

it('settles 1,000 concurrent calls under injected faults and leaves nothing behind', { timeout: 60_000 }, async () => {
  const resourcesBefore = liveResources();
  const heapBefore = process.memoryUsage().heapUsed;

  const answers: Answer[] = [];
  const server = await startServer((request, res, index) => {
    const answer: Answer = index % 10 === 3 ? faults[Math.floor(index / 10) % faults.length]! : 'ok';
    answers[index] = answer;
    if (request.method === 'POST') return respond(res, answer, { ...JSON.parse(request.body), togaiAccountId: 'T' });
    respond(res, answer, { id: request.url.split('/').pop(), name: 'Acme' });
  });

  const start = performance.now();
  let results: PromiseSettledResult<unknown>[];
  try {
    const { accounts } = createTogaiClient({
      baseUrl: server.url,
      token: 'load-token',
      pathStyle: 'flat',
      maxRetries: 3,
    });
    results = await Promise.allSettled(
      Array.from({ length: calls }, (_, i) =>
        i % 10 === 0
          ? accounts.create({ body: { id: `NEW${i}`, name: 'Acme', customerId: 'CUS1' } })
          : accounts.get({ accountId: `ACC${i}` }),
      ),
    );
  } finally {
    await server.close();
  }
  const elapsed = performance.now() - start;

  // Every call settled, with data or a TogaiError.
  const fulfilled = results.filter((r) => r.status === 'fulfilled');
  const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  expect(fulfilled.length + rejected.length).toBe(calls);
  for (const { reason } of rejected) {
    expect(reason).toBeInstanceOf(TogaiError);
    expect(reason instanceof TogaiApiError || reason instanceof TogaiConnectionError).toBe(true);
  }
  const getResults = results.filter((_, i) => i % 10 !== 0);
  expect(getResults.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(0.95 * getResults.length);
  // Faults really were injected, and retried GETs recovered from them.
  expect(answers.filter((a) => a !== 'ok').length).toBeGreaterThanOrEqual(calls / 10);
  expect(server.requests.length).toBeGreaterThan(calls);

  // Per call, from the server's side: a GET is tried at most 1 + maxRetries times; a POST is resent only after a 429.
  const attemptsByTarget = new Map<string, Answer[]>();
  server.requests.forEach((request, index) => {
    const target =
      request.method === 'POST' ? `POST ${(JSON.parse(request.body) as { id: string }).id}` : `GET ${request.url}`;
    attemptsByTarget.set(target, [...(attemptsByTarget.get(target) ?? []), answers[index]!]);
  });
  expect(attemptsByTarget.size).toBe(calls);
  for (const [target, attempts] of attemptsByTarget) {
    expect(attempts.length).toBeLessThanOrEqual(4);
    if (target.startsWith('POST')) expect(attempts.slice(0, -1).every((a) => a === 'rate-limited')).toBe(true);
  }
  expect(fulfilled.length).toBeGreaterThan(calls * 0.9);

  expect(unhandled).toEqual([]);
  expect(await leftoversSince(resourcesBefore)).toEqual({});
  const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
  expect(heapGrowth).toBeLessThan(100 * 1024 * 1024);
  expect(elapsed).toBeLessThan(30_000);
  console.info(
    `load: ${calls} calls in ${Math.round(elapsed)} ms, ${server.requests.length} requests, ` +
      `${fulfilled.length} fulfilled, ${rejected.length} rejected, heap +${(heapGrowth / 2 ** 20).toFixed(1)} MiB`,
  );
});
