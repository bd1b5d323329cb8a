// The batching ingester (createIngester from the ingester entry) against scripted node:http servers on 127.0.0.1 that
// behave like Togai's /ingestBatch: they keep each event id once (a repeated id is accepted and dropped, as Togai
// refuses it asynchronously), answer 207 for rejected events, and inject 503s, 429s, timeouts and connections
// that die after the server has accepted a batch. Every test counts what the server received and stored.
import { describe, expect, it } from 'vitest';
import {
  BadRequestError,
  createTogaiClient,
  InternalServerError,
  TogaiAbortError,
  TogaiApiError,
  TogaiConfigurationError,
  TogaiError,
  TogaiValidationError,
  TogaiVariantError,
  type Event,
} from '../src/index.js';
import { createIngester, EventRejectedError, TogaiIngesterClosedError, type IngesterOptions, type IngestingClient } from '../src/ingester/index.js';
import { useBundledSdk, type ChildOptions } from './support/bundled-sdk.js';
import { clientFor, token } from './support/client.js';
import { usageEvent, uuid } from './support/fixtures.js';
import { sendJson } from './support/http-server.js';
import { expectWellFormedBatches, useIngestServers, usage, type Action } from './support/ingest-server.js';
import { failure } from './support/scripted.js';
import { pause, slack } from './support/timing.js';

const { togai, serve } = useIngestServers();

describe('delivery through faults', () => {
  it('delivers every event once, caller ids kept, through 503, 429, timeouts and connections that die after the server accepted', async () => {
    const total = 2_000;
    const batchSize = 100;
    // What the server does with the k-th copy of a batch, by the batch's number. The last schedule fails four
    // times in a row, more than the client's own three attempts, so the ingester itself must resend.
    const schedules: Action[][] = [
      [],
      [{ status: 503, retryAfter: '0' }],
      [{ status: 429, retryAfter: '0' }],
      ['drop-after-accept'],
      ['stall-after-accept'],
      [{ status: 503 }, 'drop-after-accept', { status: 502 }, 'drop'],
    ];
    const batchNumbers = new Map<string, number>();
    const server = await togai(({ events, seenBefore }) => {
      const key = events[0]!.id!;
      if (!batchNumbers.has(key)) batchNumbers.set(key, batchNumbers.size);
      return schedules[batchNumbers.get(key)! % schedules.length]![seenBefore] ?? 'accept';
    });
    const client = clientFor(server.url, { maxRetries: 2, maxRetryDelay: 0, timeout: 300 });
    const ingester = createIngester(client, { maxBatchSize: batchSize, concurrency: 3, maxRetryDelay: 0 });

    const events = Array.from({ length: total }, (_, i) => (i % 2 === 0 ? usage({ id: `caller-${i}` }) : usage()));
    const ids: string[] = [];
    for (const event of events) ids.push(await ingester.add(event));
    const report = await ingester.close();

    events.forEach((event, i) => {
      if (i % 2 === 0) expect(ids[i]).toBe(`caller-${i}`);
      else expect(ids[i]).toMatch(uuid);
      expect(event.id).toBe(ids[i]); // the caller sees the id it was given
    });
    expect(new Set(ids).size).toBe(total);
    expect([...server.stored.keys()].sort()).toEqual([...ids].sort());
    for (const [id, stored] of server.stored) expect(stored).toEqual(events[ids.indexOf(id)]);
    expectWellFormedBatches(server, batchSize);
    expect(report).toEqual({ accepted: total, failed: [], batches: total / batchSize, resent: expect.any(Number) });
    const unluckyBatches = [...batchNumbers.values()].filter((n) => n % schedules.length === schedules.length - 1).length;
    expect(unluckyBatches).toBeGreaterThan(0);
    expect(report.resent).toBeGreaterThanOrEqual(unluckyBatches);
    expect(server.received.length).toBeGreaterThan(total / batchSize); // faults were injected and survived
    expect(server.maxOpen).toBeLessThanOrEqual(3 + 1); // concurrency 3, plus a stalled socket the client gave up on
  });

  it('honours Retry-After between its own attempts', async () => {
    const server = await togai((_, index) => (index === 0 ? { status: 429, retryAfter: '2' } : 'accept'));
    // maxRetries: 0 leaves every retry to the ingester; its own backoff for a first retry is at most 1 s.
    const ingester = createIngester(clientFor(server.url, { maxRetries: 0 }));
    await ingester.add(usage());
    const report = await ingester.flush();
    expect(report).toMatchObject({ accepted: 1, failed: [], batches: 1, resent: 1 });
    expect(server.received).toHaveLength(2);
    expect(server.received[1]!.arrivedAt - server.received[0]!.arrivedAt).toBeGreaterThanOrEqual(2000 - slack);
    await ingester.close();
  });

  it('gives up after maxAttempts calls, each with the client retries, and reports the last error for every event', async () => {
    const server = await togai(() => ({ status: 503, retryAfter: '0', message: 'ingestion is paused' }));
    const ingester = createIngester(clientFor(server.url, { maxRetries: 1 }), { maxAttempts: 3 });
    const events = [usage(), usage(), usage()];
    for (const event of events) await ingester.add(event);
    const report = await ingester.close();
    expect(server.received).toHaveLength(3 * 2); // maxAttempts × (maxRetries + 1)
    expect(report.accepted).toBe(0);
    expect(report.resent).toBe(2);
    expect(report.failed.map((f) => f.event)).toEqual(events);
    for (const { error } of report.failed) {
      expect(error).toBeInstanceOf(InternalServerError);
      expect(error).toMatchObject({ status: 503, apiMessage: 'ingestion is paused' });
    }
    expect(server.stored.size).toBe(0);
  });

  it('fails events whose server cannot be reached, after bounded attempts', async () => {
    const server = await togai();
    const url = server.url;
    await server.close(); // nothing listens there any more
    const ingester = createIngester(clientFor(url, { maxRetries: 1, maxRetryDelay: 0 }), { maxAttempts: 2, maxRetryDelay: 0 });
    await ingester.add(usage());
    const report = await ingester.close();
    expect(report).toMatchObject({ accepted: 0, batches: 1, resent: 1 });
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]!.error.name).toBe('TogaiConnectionError');
  });
});

describe('answers that must not loop', () => {
  it('fails the events a 207 lists, with Togai message, accepts the others and resends nothing', async () => {
    const server = await togai(() => ({ reject: (event) => (event.accountId === 'ACC-GONE' ? `Account ${event.accountId} does not exist` : undefined) }));
    const ingester = createIngester(clientFor(server.url), { maxBatchSize: 10 });
    const events = Array.from({ length: 25 }, (_, i) => usage({ accountId: i % 4 === 1 ? 'ACC-GONE' : 'ACC00001' }));
    for (const event of events) await ingester.add(event);
    const report = await ingester.flush();
    const rejected = events.filter((event) => event.accountId === 'ACC-GONE');
    expect(report.accepted).toBe(events.length - rejected.length);
    expect(report.failed.map((f) => f.event.id).sort()).toEqual(rejected.map((event) => event.id).sort());
    for (const { event, error } of report.failed) {
      expect(error).toBeInstanceOf(EventRejectedError);
      expect(error).toMatchObject({ eventId: event.id, apiMessage: 'Account ACC-GONE does not exist' });
      expect(error.message).toContain('Account ACC-GONE does not exist');
      expect(event).toEqual(rejected.find((r) => r.id === event.id));
    }
    expect(server.received).toHaveLength(3);
    expect(server.stored.size).toBe(report.accepted);
    await ingester.close();
  });

  it("a 207's reasons are server text: cleaned, cut short and without the credential, in the message and apiMessage", async () => {
    const reason = `token ${token} is \x1b[31mnot\x1b[0m allowed\u202e ${'x'.repeat(2_000)}`;
    const server = await togai(() => ({ reject: () => reason }));
    const ingester = createIngester(clientFor(server.url));
    await ingester.add(usage());
    const { failed } = await ingester.close();
    const error = failed[0]!.error as EventRejectedError;
    expect(error).toBeInstanceOf(EventRejectedError);
    expect(error.message).toMatch(/: token \[redacted\] is not allowed x+…$/);
    expect(error.message.length).toBeLessThan(700);
    expect(error.apiMessage).toMatch(/^token \[redacted\] is \x1b\[31mnot/); // Togai's words as sent, the credential blotted out
    expect(JSON.stringify(failed)).not.toContain(token);
  });

  it.each([
    [400, BadRequestError, 'Invalid request body'],
    [422, TogaiApiError, 'Event payload exceeds the supported size limit'],
  ])('fails the whole batch on %i with Togai message, after one request', async (status, ErrorClass, message) => {
    const server = await togai(() => ({ status, message }));
    const ingester = createIngester(clientFor(server.url));
    const events = [usage(), usage()];
    for (const event of events) await ingester.add(event);
    const report = await ingester.close();
    expect(server.received).toHaveLength(1);
    expect(report).toMatchObject({ accepted: 0, batches: 1, resent: 0 });
    expect(report.failed.map((f) => f.event)).toEqual(events);
    for (const { error } of report.failed) {
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error).toMatchObject({ status, apiMessage: message });
      // The ids the batch was sent with, by place, as for any keyed write that failed.
      expect(error.idempotencyKeys).toEqual({ 'events[0].id': events[0]!.id, 'events[1].id': events[1]!.id });
    }
  });
});

describe('backpressure', () => {
  it('holds at most maxQueued events while the server stalls; add() waits, and resolves as soon as there is room', async () => {
    const server = await togai(() => 'hold');
    const ingester = createIngester(clientFor(server.url), {
      maxBatchSize: 10,
      maxQueued: 30,
      concurrency: 2,
      flushInterval: 60_000,
    });
    for (let i = 0; i < 30; i += 1) await ingester.add(usage());
    expect(ingester.queued).toBe(30);
    await expect.poll(() => server.heldCount()).toBe(2);

    const settled: number[] = [];
    const waiting = Array.from({ length: 5 }, (_, i) => ingester.add(usage()).then(() => settled.push(i)));
    await pause(300);
    expect(settled).toEqual([]); // no room: the server holds two batches, ten events are queued
    expect(ingester.queued).toBe(30);
    expect(server.received).toHaveLength(2);

    server.release(1); // one batch settles: ten places free up
    await Promise.all(waiting);
    expect(settled).toEqual([0, 1, 2, 3, 4]);
    expect(ingester.queued).toBe(25);
    await expect.poll(() => server.heldCount()).toBe(2); // the queued batch took the free slot

    const closing = ingester.close();
    for (let i = 0; i < 10 && server.stored.size < 35; i += 1) {
      server.release();
      await pause(50);
    }
    const report = await closing;
    expect(report).toMatchObject({ accepted: 35, failed: [] });
    expect(server.maxOpen).toBe(2);
    expectWellFormedBatches(server, 10);
  });

  it('by default holds the batches in flight and one more, then add() waits', async () => {
    const server = await togai(() => 'hold');
    const ingester = createIngester(clientFor(server.url), { maxBatchSize: 10, concurrency: 2, flushInterval: 60_000 });
    for (let i = 0; i < 30; i += 1) await ingester.add(usage());
    await expect.poll(() => server.heldCount()).toBe(2);
    let added = false;
    const waiting = ingester.add(usage()).then(() => (added = true));
    await pause(200);
    expect(added).toBe(false);
    server.release(1);
    await waiting;
    const closing = ingester.close();
    for (let i = 0; i < 10 && server.stored.size < 31; i += 1) {
      server.release();
      await pause(50);
    }
    expect(await closing).toMatchObject({ accepted: 31 });
  });
});

describe('flush and close', () => {
  it('sends a partial batch once flushInterval has passed, without flush()', async () => {
    const server = await togai();
    const ingester = createIngester(clientFor(server.url), { flushInterval: 50 });
    const ids = [await ingester.add(usage()), await ingester.add(usage()), await ingester.add(usage())];
    await expect.poll(() => server.stored.size).toBe(3);
    expect(server.received.map((r) => r.events.map((e) => e.id))).toEqual([ids]);
    expect(await ingester.close()).toMatchObject({ accepted: 3, batches: 1 });
  });

  it('counts each event in exactly one report when flush() runs concurrently', async () => {
    const server = await togai();
    const ingester = createIngester(clientFor(server.url), { maxBatchSize: 7 });
    for (let i = 0; i < 20; i += 1) await ingester.add(usage());
    const first = ingester.flush();
    for (let i = 0; i < 5; i += 1) await ingester.add(usage());
    const second = ingester.flush();
    const third = ingester.flush();
    const reports = await Promise.all([first, second, third]);
    expect(reports[0]!.accepted).toBeGreaterThanOrEqual(20); // everything added before it
    expect(reports.reduce((sum, r) => sum + r.accepted, 0)).toBe(25);
    expect(server.stored.size).toBe(25);
    expect(await ingester.close()).toEqual({ accepted: 0, failed: [], batches: 0, resent: 0 });
  });

  it('close() delivers what is queued and what add() was still waiting to queue; add() afterwards rejects', async () => {
    const server = await togai(() => 'hold');
    const ingester = createIngester(clientFor(server.url), { maxBatchSize: 5, maxQueued: 5, flushInterval: 60_000 });
    for (let i = 0; i < 5; i += 1) await ingester.add(usage());
    const waiting = [ingester.add(usage()), ingester.add(usage())]; // no room until the first batch settles
    const closing = ingester.close();
    await expect(ingester.add(usage())).rejects.toBeInstanceOf(TogaiIngesterClosedError);
    await expect.poll(() => server.heldCount()).toBe(1);
    server.release();
    await expect(Promise.all(waiting)).resolves.toHaveLength(2);
    await expect.poll(() => server.heldCount()).toBe(1); // the two late events, sent at once, not after 60 s
    server.release();
    expect(await closing).toMatchObject({ accepted: 7, failed: [], batches: 2 });
    expect(server.stored.size).toBe(7);

    const late = ingester.add(usage());
    await expect(late).rejects.toBeInstanceOf(TogaiIngesterClosedError);
    await expect(late).rejects.toBeInstanceOf(TogaiError);
    await expect(late).rejects.toThrow(/after close/);
    expect(server.received).toHaveLength(2);
  });

  it('close() twice: both resolve once everything is delivered, and only one report counts the events', async () => {
    const server = await togai();
    const ingester = createIngester(clientFor(server.url));
    for (let i = 0; i < 3; i += 1) await ingester.add(usage());
    const [first, second] = await Promise.all([ingester.close(), ingester.close()]);
    expect(first).toMatchObject({ accepted: 3, batches: 1 });
    expect(second).toEqual({ accepted: 0, failed: [], batches: 0, resent: 0 });
    expect(await ingester.close()).toEqual({ accepted: 0, failed: [], batches: 0, resent: 0 });
    expect(await ingester.flush()).toEqual({ accepted: 0, failed: [], batches: 0, resent: 0 });
    expect(server.received).toHaveLength(1);
  });
});

describe('hostile servers and careless callers', () => {
  it('refuses in add() the events JSON cannot serialize, before queueing them; the others are sent', async () => {
    const server = await togai();
    const ingester = createIngester(clientFor(server.url));
    const circular = usage();
    (circular.dimensions as Record<string, unknown>).self = circular;
    const bigint = usage({ dimensions: { count: 10n as unknown as string } });
    const fine = [usage(), usage(), usage()];
    for (const event of [fine[0]!, fine[1]!, fine[2]!]) await ingester.add(event);
    for (const event of [bigint, circular]) {
      const error = await ingester.add(event).catch((e: unknown) => e as Error);
      expect(error).toBeInstanceOf(TogaiValidationError);
      expect((error as Error).message).toMatch(/cannot be sent as JSON/);
    }
    expect(ingester.queued).toBe(3);
    const report = await ingester.close();
    expect(report).toMatchObject({ accepted: 3, failed: [] });
    expect([...server.stored.keys()].sort()).toEqual(fine.map((e) => e.id).sort());
    expect(server.received).toHaveLength(1);
  });

  it('sends an object with toJSON() as JSON.stringify would, and rejects in add() one whose toJSON() throws', async () => {
    const server = await togai();
    const ingester = createIngester(clientFor(server.url));
    class Call {
      private readonly secret = 'not for the wire';
      toJSON() {
        return usage({ accountId: 'ACC-FROM-TOJSON', id: `call-${this.secret.length}` });
      }
    }
    expect(await ingester.add(new Call() as unknown as Event)).toBe('call-16');
    const throwing = { toJSON: () => { throw new Error('cannot'); } };
    await expect(ingester.add(throwing as unknown as Event)).rejects.toThrow(TogaiValidationError);
    await ingester.close();
    expect(server.received[0]!.events).toEqual([expect.objectContaining({ id: 'call-16', accountId: 'ACC-FROM-TOJSON' })]);
    expect(JSON.stringify(server.received[0]!.events)).not.toContain('not for the wire');
  });

  it.each([
    ['an id that is not the first property', () => ({ ...usage(), id: 'late-id' })],
    ['no id, but a dimension named id', () => usage({ dimensions: { id: 'not-the-event-id' } })],
    ['a hidden (non-enumerable) id', () => Object.defineProperty(usage(), 'id', { value: 'hidden', enumerable: false, writable: true })],
    ['an id getter that answers anew on each read', () => {
      let reads = 0;
      return Object.defineProperty(usage(), 'id', { get: () => `read-${(reads += 1)}`, enumerable: true });
    }],
    ['an id that is a String object', () => usage({ id: new String('boxed-id') as unknown as string })],
    ['a Proxy that shows one id to JSON and another to a plain read', () => {
      let reads = 0;
      return new Proxy({ id: 'first', ...usage() }, { get: (target, key) => (key === 'id' ? `proxy-${(reads += 1)}` : Reflect.get(target, key)) });
    }],
  ])('resolves add() to the id the server receives, for %s', async (_, make) => {
    const server = await togai();
    const ingester = createIngester(clientFor(server.url));
    const id = await ingester.add(make() as Event);
    expect(await ingester.close()).toMatchObject({ accepted: 1, failed: [] });
    const [sent] = server.received[0]!.events;
    expect(sent!.id).toBe(id);
    expect([...server.stored.keys()]).toEqual([id]);
  });

  it('keeps the id it gave an event when the caller changes or froze the object', async () => {
    const server = await togai();
    const ingester = createIngester(clientFor(server.url));
    const mutable = usage();
    const first = await ingester.add(mutable);
    mutable.id = 'changed-after-add';
    mutable.accountId = 'ACC-CHANGED';
    const frozen = Object.freeze(usage());
    const second = await ingester.add(frozen);
    expect(frozen.id).toBeUndefined();
    await ingester.close();
    expect([...server.stored.keys()]).toEqual([first, second]);
    expect(server.stored.get(first)!.accountId).toBe('ACC00001'); // top-level fields are copied in add()
  });

  it('ignores 207 entries that name no event of the batch, an event of another batch, or one event twice', async () => {
    let firstOfOtherBatch = '';
    const server = await togai(({ events }, index) => {
      if (index === 1) firstOfOtherBatch = events[0]!.id!;
      return index === 0 ? 'hold' : 'accept';
    });
    const ingester = createIngester(clientFor(server.url), { maxBatchSize: 4, concurrency: 2 });
    const events = Array.from({ length: 8 }, () => usage());
    for (const event of events) await ingester.add(event);
    await expect.poll(() => server.received.length).toBe(2);
    // The held first batch now gets a 207 naming: its own second event (twice), the other batch's first event,
    // an id nobody sent, an entry without a payload and a null.
    const held = server.received[0]!.events;
    const junk = [
      { message: 'bad schema', eventPayload: held[1] },
      { message: 'listed again', eventPayload: held[1] },
      { message: 'not yours', eventPayload: { ...held[0], id: firstOfOtherBatch } },
      { message: 'never sent', eventPayload: { ...held[0], id: 'no-such-id' } },
      { message: 'no payload' },
      null,
    ];
    server.answerHeld(207, { errors: junk });
    const report = await ingester.close();
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]!.event.id).toBe(held[1]!.id);
    expect(report.failed[0]!.error).toMatchObject({ apiMessage: 'bad schema' });
    expect(report.accepted).toBe(7);
  });

  it('fails a batch answered 200 with a body that is not JSON, without resending; counts a bodiless 202 as accepted', async () => {
    const server = await serve((_, res, index) => {
      if (index === 0) {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>Welcome to nginx!</html>');
      } else {
        res.writeHead(202);
        res.end();
      }
    });
    const ingester = createIngester(clientFor(server.url), { maxBatchSize: 2 });
    for (let i = 0; i < 4; i += 1) await ingester.add(usage());
    const report = await ingester.close();
    expect(server.requests).toHaveLength(2);
    expect(report.accepted).toBe(2);
    expect(report.failed).toHaveLength(2);
    for (const { error } of report.failed) expect(error).toMatchObject({ name: 'TogaiResponseParseError', status: 200 });
  });

  it('fails a batch whose 207 has no errors list, since which events were accepted is unknown', async () => {
    const server = await serve((_, res) => sendJson(res, 207, { errors: 'some' }));
    const ingester = createIngester(clientFor(server.url));
    await ingester.add(usage());
    await ingester.add(usage());
    const report = await ingester.close();
    expect(report.accepted).toBe(0);
    expect(report.failed.map((f) => f.error.message)).toEqual([expect.stringMatching(/without an errors list/), expect.stringMatching(/without an errors list/)]);
    expect(server.requests).toHaveLength(1);
  });

  it('splits a batch a size-limited proxy refuses (413), so an oversized event fails alone', async () => {
    const limit = 20_000;
    const server = await serve((request, res) => {
      if (request.body.length > limit) return sendJson(res, 413, { message: 'Request Entity Too Large' });
      sendJson(res, 202, { success: true });
    });
    const ingester = createIngester(clientFor(server.url), { maxBatchSize: 41 });
    const huge = usage({ dimensions: { blob: 'x'.repeat(limit) } });
    const events = [...Array.from({ length: 20 }, () => usage()), huge, ...Array.from({ length: 20 }, () => usage())];
    for (const event of events) await ingester.add(event);
    const report = await ingester.close();
    expect(report.accepted).toBe(40);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]!.event.id).toBe(huge.id);
    expect(report.failed[0]!.error).toMatchObject({ status: 413 });
    const delivered = server.requests.filter((r) => r.body.length <= limit).flatMap((r) => (JSON.parse(r.body) as { events: Event[] }).events);
    expect(delivered.map((e) => e.id).sort()).toEqual(events.filter((e) => e !== huge).map((e) => e.id).sort());
    expect(server.requests.length).toBeLessThanOrEqual(2 * events.length - 1);
  });

  it('caps a Retry-After longer than maxRetryDelay', async () => {
    const server = await togai((_, index) => (index === 0 ? { status: 503, retryAfter: '3600' } : 'accept'));
    const ingester = createIngester(clientFor(server.url, { maxRetries: 0 }), { maxRetryDelay: 200 });
    await ingester.add(usage());
    expect(await ingester.close()).toMatchObject({ accepted: 1, resent: 1 });
    expect(server.received[1]!.arrivedAt - server.received[0]!.arrivedAt).toBeGreaterThanOrEqual(200 - slack);
  });

  it('queues and delivers events added while a flush() is under way', async () => {
    const server = await togai(() => 'hold');
    const ingester = createIngester(clientFor(server.url));
    await ingester.add(usage());
    const flushing = ingester.flush();
    await expect.poll(() => server.heldCount()).toBe(1);
    const late = await ingester.add(usage());
    server.release();
    expect(await flushing).toMatchObject({ accepted: 1 });
    const closing = ingester.close();
    await expect.poll(() => server.heldCount()).toBe(1);
    server.release();
    expect(await closing).toMatchObject({ accepted: 1 });
    expect(server.stored.has(late)).toBe(true);
  });
});

describe('close() with a deadline', () => {
  it('gives up on a server that never answers: unsettled events fail with TogaiAbortError, nothing more is sent', async () => {
    const server = await togai(() => 'hold');
    const ingester = createIngester(clientFor(server.url), { maxBatchSize: 5, concurrency: 1, maxQueued: 20, flushInterval: 60_000 });
    const events = Array.from({ length: 12 }, () => usage());
    for (const event of events) await ingester.add(event);
    await expect.poll(() => server.heldCount()).toBe(1);
    const report = await ingester.close({ timeout: 200 });
    expect(report).toMatchObject({ accepted: 0, batches: 3, resent: 0 });
    expect(report.failed.map((f) => f.event.id).sort()).toEqual(events.map((e) => e.id).sort());
    for (const { error } of report.failed) {
      expect(error).toBeInstanceOf(TogaiAbortError);
      expect(error.message).toMatch(/gave up after 200 ms/);
    }
    expect(server.received).toHaveLength(1); // the batch in flight; the queued ones were never sent
    await expect(ingester.add(usage())).rejects.toBeInstanceOf(TogaiIngesterClosedError);
  });

  it('cuts a backoff wait short instead of sleeping through it', async () => {
    const server = await togai(() => ({ status: 503, retryAfter: '60' }));
    const ingester = createIngester(clientFor(server.url, { maxRetries: 0 }), { maxRetryDelay: 60_000 });
    await ingester.add(usage());
    const flushed = ingester.flush();
    await expect.poll(() => server.received.length).toBe(1); // answered 503: the ingester now waits 60 s
    const closed = await ingester.close({ timeout: 300 });
    // The pending flush() and close() both resolve; the event is counted in one of their reports.
    const reports = [await flushed, closed];
    const failed = reports.flatMap((report) => report.failed);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.error).toBeInstanceOf(TogaiAbortError);
    expect(reports.map((report) => report.accepted + report.resent)).toEqual([0, 0]);
    expect(server.received).toHaveLength(1);
  });

  it.each([-1, 1.5, '100', Number.NaN])('rejects timeout %s with TogaiValidationError and stays open', async (timeout) => {
    const server = await togai();
    const ingester = createIngester(clientFor(server.url));
    await expect(ingester.close({ timeout: timeout as number })).rejects.toBeInstanceOf(TogaiValidationError);
    await ingester.add(usage());
    expect(await ingester.close()).toMatchObject({ accepted: 1 });
  });
});

describe('validation', () => {
  const client = createTogaiClient({ baseUrl: 'http://127.0.0.1:9', token, pathStyle: 'flat' });

  it.each<[string, unknown]>([
    ['maxBatchSize above 500', { maxBatchSize: 501 }],
    ['maxBatchSize 0', { maxBatchSize: 0 }],
    ['a fractional maxBatchSize', { maxBatchSize: 10.5 }],
    ['a string concurrency', { concurrency: '4' }],
    ['concurrency 0', { concurrency: 0 }],
    ['a negative flushInterval', { flushInterval: -1 }],
    ['a NaN flushInterval', { flushInterval: Number.NaN }],
    ['an infinite maxQueued', { maxQueued: Number.POSITIVE_INFINITY }],
    ['maxQueued below maxBatchSize', { maxQueued: 100, maxBatchSize: 200 }],
    ['maxAttempts 0', { maxAttempts: 0 }],
    ['an unknown option', { batchSize: 100 }],
    ['options that are not an object', 500],
  ])('rejects %s with TogaiConfigurationError', (_, options) => {
    expect(() => createIngester(client, options as IngesterOptions)).toThrow(TogaiConfigurationError);
  });

  it('creates an ingester without options, and with every option at its limits', () => {
    expect(createIngester(client).options).toEqual({
      maxBatchSize: 500,
      flushInterval: 1000,
      maxQueued: 2500,
      concurrency: 4,
      maxAttempts: 5,
      maxRetryDelay: 30_000,
    });
    expect(createIngester(client, { concurrency: 2, maxBatchSize: 100 }).options.maxQueued).toBe(300);
    const limits = { maxBatchSize: 1, maxQueued: 1, concurrency: 64, flushInterval: 0, maxAttempts: 1, maxRetryDelay: 0 };
    expect(createIngester(client, limits).queued).toBe(0);
  });

  it('rejects events that are not objects or carry an unusable id, before queueing them', async () => {
    const server = await togai();
    const ingester = createIngester(clientFor(server.url));
    const bad: unknown[] = [null, undefined, 'event', 42, [usage()], usage({ id: '' }), { ...usage(), id: 42 }, { ...usage(), id: null }];
    for (const event of bad) await expect(ingester.add(event as Event)).rejects.toBeInstanceOf(TogaiValidationError);
    expect(ingester.queued).toBe(0);
    await ingester.add(usage({ id: 'fine' }));
    expect(await ingester.close()).toMatchObject({ accepted: 1, failed: [] });
    expect([...server.stored.keys()]).toEqual(['fine']);
  });

  it('exists only where ingestBatch does: a customer-scoped client refuses it', () => {
    const scoped = createTogaiClient({ baseUrl: 'http://127.0.0.1:9', token, pathStyle: 'customer-scoped' }) as unknown as IngestingClient;
    expect(() => createIngester(scoped)).toThrow(TogaiVariantError);
    expect(() => createIngester(scoped)).toThrow(/needs a client on flat paths/);
  });
});

describe('what ingester.add() accepted is what is sent', () => {
  async function ingestWith(
    mutateAfterAdd: (event: Event & Record<string, unknown>) => void,
    event: Event & Record<string, unknown> = usageEvent(),
  ) {
    const server = await serve((_, res) => sendJson(res, 202, { success: true }));
    const ingester = createIngester(clientFor(server.url), { flushInterval: 60_000 });
    const accepted = JSON.parse(JSON.stringify(event)) as Event;
    const id = await ingester.add(event);
    mutateAfterAdd(event);
    const report = await ingester.close();
    expect(report.accepted).toBe(1);
    const sent = server.requests.flatMap((r) => (JSON.parse(r.body) as { events: Event[] }).events);
    expect(sent).toEqual([{ ...accepted, id }]);
  }

  it('changing attributes[0].value after add() does not change what the server receives', async () => {
    await ingestWith((event) => void (event.attributes[0]!.value = '999'));
  });

  it('changing, adding or deleting a dimension after add() does not change what is sent', async () => {
    await ingestWith((event) => {
      event.dimensions.region = 'mutated';
      event.dimensions.x = 'added';
    });
    await ingestWith((event) => void delete event.dimensions.region);
  });

  it('pushing to or emptying the attributes array after add() does not change what is sent', async () => {
    await ingestWith((event) => void event.attributes.push({ name: 'extra', value: '1', unit: 'None' }));
    await ingestWith((event) => void event.attributes.splice(0));
  });

  it('a nested object deeper down, changed after add(), is sent as it was', async () => {
    const event = { ...usageEvent(), extra: { deep: { level: 'original' }, list: [{ n: 1 }] } };
    await ingestWith((added) => {
      const extra = added.extra as { deep: { level: string }; list: Array<{ n: number }> };
      extra.deep.level = 'mutated';
      extra.list[0]!.n = 2;
    }, event);
  });

  it('an event whose toJSON() returns an object it keeps and mutates later is sent as toJSON() returned it at add()', async () => {
    const server = await serve((_, res) => sendJson(res, 202, { success: true }));
    const ingester = createIngester(clientFor(server.url), { flushInterval: 60_000 });
    class Usage {
      readonly payload = { ...usageEvent(), id: 'usage-1' };
      toJSON() {
        return this.payload;
      }
    }
    const usage = new Usage();
    const accepted = JSON.parse(JSON.stringify(usage.payload)) as Event;
    await ingester.add(usage as unknown as Event);
    usage.payload.attributes[0]!.value = '999';
    usage.payload.dimensions.region = 'mutated';
    usage.payload.accountId = 'ACC-MUTATED';
    await ingester.close();
    const sent = server.requests.flatMap((r) => (JSON.parse(r.body) as { events: Event[] }).events);
    expect(sent).toEqual([accepted]);
  });
});

describe('hostile inputs give a TogaiValidationError, never a TypeError, and send nothing', () => {
  const throwing = (thrown: unknown) => () => {
    throw thrown;
  };

  it.each([
    [
      'a getter on attributes that throws',
      () =>
        Object.defineProperty(usageEvent(), 'attributes', {
          get: throwing(new Error('getter boom')),
          enumerable: true,
        }),
    ],
    [
      'a getter on id that throws',
      () => Object.defineProperty(usageEvent(), 'id', { get: throwing(new Error('getter boom')), enumerable: true }),
    ],
    [
      'a getter on toJSON that throws',
      () => Object.defineProperty(usageEvent(), 'toJSON', { get: throwing(new Error('getter boom')) }),
    ],
    [
      'a getter that throws a string, not an Error',
      () => Object.defineProperty(usageEvent(), 'dimensions', { get: throwing('plain string'), enumerable: true }),
    ],
    ['a Proxy whose get trap throws', () => new Proxy(usageEvent(), { get: throwing(new Error('trap boom')) })],
    ['a Proxy whose ownKeys trap throws', () => new Proxy(usageEvent(), { ownKeys: throwing(new Error('trap boom')) })],
    [
      'a Proxy whose getOwnPropertyDescriptor trap throws',
      () => new Proxy(usageEvent(), { getOwnPropertyDescriptor: throwing(new Error('trap boom')) }),
    ],
    [
      'a Proxy whose every trap throws',
      () =>
        new Proxy(usageEvent(), {
          get: throwing(new TypeError('trap boom')),
          has: throwing(new TypeError('has')),
          ownKeys: throwing(new TypeError('keys')),
        }),
    ],
  ])('ingester.add() of an object with %s', async (_, make) => {
    const server = await serve((__, res) => sendJson(res, 202, { success: true }));
    const ingester = createIngester(clientFor(server.url), { flushInterval: 0 });
    const error = await failure(() => ingester.add(make() as Event));
    expect(error).toBeInstanceOf(TogaiValidationError);
    await ingester.close();
    expect(server.requests).toHaveLength(0);
  });
});

describe('process lifetime', () => {
  // The SDK bundled from src/, so a plain node child process can import it.
  const { runScript } = useBundledSdk('ingester');

  /** Runs `script` in a child node process (killed at 20 s) against the server at `url`; `onStdout` sees the output so far as it arrives. */
  const runChild = (script: string, url: string, onStdout?: ChildOptions['onStdout']) =>
    runScript(script, { env: { TOGAI_URL: url }, onStdout });

  const preamble = `
import { createTogaiClient } from './sdk.mjs';
import { createIngester } from './ingester.mjs';
const togai = createTogaiClient({ baseUrl: process.env.TOGAI_URL, token: 't' });
const ingester = createIngester(togai, { flushInterval: 60_000 });
const event = { schemaName: 'api_calls', timestamp: '2024-07-15T10:30:00Z', accountId: 'A', attributes: [], dimensions: {} };
`;

  it('the flush timer does not keep the process alive; close() on beforeExit still delivers', async () => {
    const server = await togai();
    const result = await runChild(
      `${preamble}
process.once('beforeExit', async () => console.log(JSON.stringify(await ingester.close())));
console.log('id', await ingester.add(event));
`,
      server.url,
    );
    expect(result.code, result.stderr).toBe(0); // well before the 60 s flush timer (the child is killed at 20 s)
    const id = /^id (\S+)$/m.exec(result.stdout)![1]!;
    expect([...server.stored.keys()]).toEqual([id]);
    expect(result.stdout).toContain(JSON.stringify({ accepted: 1, failed: [], batches: 1, resent: 0 }));
  });

  it('events still queued are lost when the process exits without close()', async () => {
    const server = await togai();
    const result = await runChild(`${preamble}\nawait ingester.add(event);\nconsole.log('queued', ingester.queued);\n`, server.url);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('queued 1');
    expect(server.received).toHaveLength(0);
  });

  it('close() in a SIGTERM handler delivers before the process exits', async () => {
    const server = await togai();
    let signalled = false;
    const result = await runChild(
      `${preamble}
const keepAlive = setInterval(() => {}, 1_000);
process.once('SIGTERM', async () => {
  clearInterval(keepAlive);
  const report = await ingester.close();
  console.log(JSON.stringify(report));
  process.exit(report.failed.length === 0 ? 0 : 1);
});
for (let i = 0; i < 3; i += 1) await ingester.add({ ...event });
console.log('ready');
`,
      server.url,
      (stdout, kill) => {
        if (stdout.includes('ready') && !signalled) {
          signalled = true;
          kill('SIGTERM');
        }
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(server.stored.size).toBe(3);
    expect(result.stdout).toContain('"accepted":3');
  });
});
