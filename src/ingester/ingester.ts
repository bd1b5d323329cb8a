// createIngester(client): batches usage events into Togai's batch operation, a few batches in flight, and reports
// per event what was accepted and what failed. Every event has its id from add() (Togai deduplicates by id) and its
// JSON form taken then; each settles exactly once and is in exactly one report. A batch reaches the server at most
// maxAttempts × (maxRetries + 1) times: each attempt (delivery.ts) is one client call with the client's own retries.
import type { Operations } from '../../generated/operations.js';
import type { FlatResources } from '../../generated/facade.js';
import type { Event } from '../../generated/models.js';
import { assertIntegerIn, jsonText } from '../core/checks.js';
import { TogaiAbortError, TogaiConfigurationError, TogaiError, TogaiValidationError, TogaiVariantError } from '../core/errors.js';
import { maxTimerMs, unrefTimer } from '../core/timing.js';
import { batchOperation, deliver, failure, maxEventsPerBatch, type FailedEvent, type IngestBatch, type Outcome, type Taken } from './delivery.js';

export interface IngesterOptions {
  /** Events per batch call, 1 to Togai's limit (500). Default 500. */
  maxBatchSize?: number | undefined;
  /** Milliseconds a partial batch may wait for more events before it is sent; 0 sends on the next tick. Default 1 000. */
  flushInterval?: number | undefined;
  /**
   * Events held in memory, waiting or being sent; beyond it add() waits for room. At least maxBatchSize. Default
   * (concurrency + 1) × maxBatchSize: the batches in flight and one ready to go (2 500 with the other defaults).
   */
  maxQueued?: number | undefined;
  /** Batches in flight at once, 1 to 64. Default 4. */
  concurrency?: number | undefined;
  /** Batch calls per batch (each with the client's own retries), 1 to 20. Default 5. */
  maxAttempts?: number | undefined;
  /** Longest pause in milliseconds before the ingester calls again, whatever Retry-After asks for. Default 30 000. */
  maxRetryDelay?: number | undefined;
}

/** Each option's range and default (maxQueued's follows from concurrency and maxBatchSize). */
const optionRanges: Record<keyof IngesterOptions, readonly [min: number, max: number, fallback?: number]> = {
  maxBatchSize: [1, maxEventsPerBatch, maxEventsPerBatch],
  flushInterval: [0, maxTimerMs, 1_000],
  maxQueued: [1, 10_000_000],
  concurrency: [1, 64, 4],
  maxAttempts: [1, 20, 5],
  maxRetryDelay: [0, maxTimerMs, 30_000],
};

/** What happened to the events that settled since the previous report; each event is in exactly one report. */
export interface IngestReport {
  /** Events Togai accepted. */
  accepted: number;
  /** Events that were not delivered, each with its error: Togai's rejection, or the last failure after retries. */
  failed: FailedEvent[];
  /** Batches that settled. */
  batches: number;
  /** Times the ingester called the batch operation again for a batch (the client's own retries not included). */
  resent: number;
}

export interface Ingester {
  /**
   * Queues an event and resolves to its id once it is queued: the caller's `id`, or a new one, which is also set on
   * the event object. What is sent is the event as it is now (its JSON form): later changes to it are not. Waits
   * while `maxQueued` events are held. Rejects with TogaiValidationError for an event that is not an object, cannot
   * be read or turned into JSON, or whose `id` is not a non-empty string, and with TogaiIngesterClosedError after
   * close().
   */
  add(event: Event): Promise<string>;
  /** Sends what is queued without waiting for flushInterval; resolves once every event added before has settled. */
  flush(): Promise<IngestReport>;
  /**
   * Stops taking events, delivers everything queued (and every add() still waiting for room), stops timers. With
   * `timeout` (milliseconds), gives up when it runs out: calls in flight are aborted, nothing more is sent or resent,
   * and every event not yet settled ends in `failed` with a TogaiAbortError (it may have been accepted: resending it
   * with the same id is safe).
   */
  close(options?: { timeout?: number | undefined }): Promise<IngestReport>;
  /** Events held: queued or being sent. */
  readonly queued: number;
  /** The settings in force, defaults filled in. */
  readonly options: Readonly<Required<IngesterOptions>>;
}

/** add() on an ingester that is closing or closed. */
export class TogaiIngesterClosedError extends TogaiError {
  override name = 'TogaiIngesterClosedError';
}

type BatchOperation = Operations['ingestBatch'];
/** A client that has the batch operation: one on flat paths (`client.events.ingestBatch`). */
export type IngestingClient = {
  readonly [R in BatchOperation['resource']]: Pick<FlatResources[R], BatchOperation['sdkMethod'] & keyof FlatResources[R]>;
} & { readonly redact?: (text: string) => string };

function resolveOptions(options: IngesterOptions = {}): Required<IngesterOptions> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TogaiConfigurationError('createIngester() takes an options object.');
  const resolved: Record<string, number | undefined> = Object.fromEntries(Object.entries(optionRanges).map(([name, [, , fallback]]) => [name, fallback]));
  for (const [name, value] of Object.entries(options) as [keyof IngesterOptions, unknown][]) {
    const range = optionRanges[name];
    if (!range) throw new TogaiConfigurationError(`createIngester(): unknown option ${JSON.stringify(name)}; known: ${Object.keys(optionRanges).join(', ')}.`);
    if (value === undefined) continue;
    assertIntegerIn(value, [range[0], range[1]], `createIngester(): ${name}`, TogaiConfigurationError);
    resolved[name] = value;
  }
  // A small queue matters for speed too: events that wait long are promoted to the old generation of the heap, and
  // collecting them there is costly (measured on loopback: 1.5× the CPU per event with 10 000 held as with 2 500).
  resolved.maxQueued ??= (resolved.concurrency! + 1) * resolved.maxBatchSize!;
  if (resolved.maxQueued < resolved.maxBatchSize!) {
    throw new TogaiConfigurationError(`createIngester(): maxQueued (${resolved.maxQueued}) must be at least maxBatchSize (${resolved.maxBatchSize}).`);
  }
  return resolved as Required<IngesterOptions>;
}

/** The event as it will be sent: its JSON text, taken now and whole (one JSON.stringify), with its id. */
function prepare(event: unknown): Taken {
  let json = typeof event === 'object' && event !== null ? jsonText(event, 'ingester.add(): the event') : '';
  if (json[0] !== '{') {
    const got = typeof event !== 'object' || event === null ? String(event) : Array.isArray(event) ? 'an array' : `one whose JSON form is ${json}`;
    throw new TogaiValidationError(`ingester.add() takes an event object, got ${got.slice(0, 60)}.`);
  }
  // The id as sent: read directly when the text shows it first (or shows no id), else parsed back (getters, toJSON).
  const direct = (event as Event).id as unknown;
  const shownFirst = typeof direct === 'string' && json.startsWith(`{"id":${JSON.stringify(direct)}`);
  const given = shownFirst ? direct : json.includes('"id":') ? ((JSON.parse(json) as Event).id as unknown) : undefined;
  if (given !== undefined && (typeof given !== 'string' || given === '')) {
    throw new TogaiValidationError(`ingester.add(): an event id must be a non-empty string, got ${JSON.stringify(given)}.`);
  }
  if (given !== undefined) return { id: given, json };
  const id = globalThis.crypto.randomUUID();
  json = `{"id":${JSON.stringify(id)}${json === '{}' ? '' : ','}${json.slice(1)}`;
  try {
    (event as { id?: string }).id = id; // so the caller sees it; frozen or refusing objects still get it from add()
  } catch {}
  return { id, json };
}

/**
 * Creates a batching ingester over `client`'s batch operation (`client.events.ingestBatch`).
 *
 * ```ts
 * import { createIngester } from 'togai-sdk-unofficial/ingester';
 * const ingester = createIngester(togai);
 * await ingester.add({ schemaName: 'api_calls', timestamp: new Date().toISOString(), accountId: 'ACC00001', attributes: [] });
 * const report = await ingester.close();
 * ```
 */
export function createIngester(client: IngestingClient, options?: IngesterOptions): Ingester {
  const resource = (client as unknown as Record<string, Record<string, IngestBatch> | undefined>)[batchOperation.resource];
  const ingestBatch = resource?.[batchOperation.sdkMethod];
  if (typeof ingestBatch !== 'function' || (client as { pathStyle?: unknown }).pathStyle !== batchOperation.variant) {
    throw new TogaiVariantError(`createIngester() needs a client on flat paths, where ${batchOperation.method} ${batchOperation.path} is; create one with pathStyle: 'flat'.`);
  }
  const settings = Object.freeze(resolveOptions(options));
  const { maxBatchSize, flushInterval, maxQueued, concurrency, maxAttempts, maxRetryDelay } = settings;

  // Queued events, in chunks of up to maxBatchSize: a batch is the first chunk, taken whole.
  const chunks: Taken[][] = [];
  // Every event gets a sequence number as it is queued. Events before `sentSeq` are in batches; events before
  // `urgentUpTo` (marked by flush(), close() or the flush timer) are sent without waiting for a full batch.
  let nextSeq = 0;
  let sentSeq = 0;
  let urgentUpTo = 0;
  /** The sequence number of each in-flight batch's first event. */
  const inFlight = new Set<number>();
  let held = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closing = false;
  const stop = new AbortController();
  const delivery = { maxAttempts, maxRetryDelay, stop: stop.signal, redact: client.redact ?? ((text: string) => text) };

  // add() calls waiting for room, oldest first (an array with a moving head: shift() would be quadratic).
  let waiting: { event: Taken; resolve: (id: string) => void }[] = [];
  let waitingHead = 0;
  // flush() calls waiting for every event before `mark` to settle; marks only grow, so oldest first.
  const flushes: { mark: number; resolve: () => void }[] = [];

  const emptyReport = (): IngestReport => ({ accepted: 0, failed: [], batches: 0, resent: 0 });
  let report = emptyReport();
  const takeReport = (taken = report) => ((report = emptyReport()), taken);
  const settledUpTo = () => Math.min(sentSeq, ...inFlight); // every event before it has settled

  function enqueue(event: Taken): void {
    held += 1;
    const last = chunks[chunks.length - 1];
    if (last && last.length < maxBatchSize) last.push(event);
    else chunks.push([event]);
    nextSeq += 1;
  }

  function pump(): void {
    while (inFlight.size < concurrency && nextSeq > sentSeq) {
      const batch = chunks[0]!;
      if (batch.length < maxBatchSize && sentSeq >= urgentUpTo) break; // a partial batch waits for more events
      chunks.shift();
      const start = sentSeq;
      sentSeq += batch.length;
      inFlight.add(start);
      const outcome: Outcome = { accepted: 0, failed: [], resent: 0 };
      void deliver(ingestBatch!, batch, delivery, outcome).then(
        () => settle(start, batch, outcome),
        (error: unknown) => {
          // Only a bug of ours gets here. Drop what was counted so far and fail the whole batch: each event still
          // settles once (as failed, which is safe to resend), never twice.
          const reason = error instanceof TogaiError ? error : new TogaiError('The ingester failed to deliver the batch.', { cause: error });
          settle(start, batch, { accepted: 0, failed: batch.map((event) => failure(event, reason)), resent: outcome.resent });
        },
      );
    }
    // The timer runs while a non-urgent partial batch waits; it marks what is queued then as urgent.
    const waitingForMore = nextSeq > Math.max(sentSeq, urgentUpTo);
    if (waitingForMore && timer === undefined && !closing) {
      timer = setTimeout(() => {
        timer = undefined;
        urgentUpTo = nextSeq;
        pump();
      }, flushInterval);
      unrefTimer(timer);
    } else if (!waitingForMore && timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
  }

  function settle(start: number, batch: Taken[], outcome: Outcome): void {
    inFlight.delete(start);
    held -= batch.length;
    report.accepted += outcome.accepted;
    report.failed.push(...outcome.failed);
    report.batches += 1;
    report.resent += outcome.resent;
    while (waitingHead < waiting.length && held < maxQueued) {
      const next = waiting[waitingHead]!;
      waiting[waitingHead++] = undefined as never;
      enqueue(next.event);
      next.resolve(next.event.id);
    }
    if (waitingHead === waiting.length) {
      waiting = [];
      waitingHead = 0;
    }
    pump();
    const done = settledUpTo();
    while (flushes.length > 0 && flushes[0]!.mark <= done) flushes.shift()!.resolve();
  }

  /** Resolves once every event queued so far has settled. */
  function flushQueued(): Promise<void> {
    const mark = nextSeq;
    urgentUpTo = Math.max(urgentUpTo, mark);
    pump();
    if (settledUpTo() >= mark) return Promise.resolve();
    return new Promise((resolve) => flushes.push({ mark, resolve }));
  }

  return {
    async add(event) {
      if (closing) throw new TogaiIngesterClosedError('ingester.add() after close(): the ingester takes no more events.');
      const prepared = prepare(event);
      if (held < maxQueued && waitingHead === waiting.length) {
        enqueue(prepared);
        pump(); // sends a full batch, or starts the flush timer
        return prepared.id;
      }
      return new Promise((resolve) => waiting.push({ event: prepared, resolve }));
    },
    async flush() {
      await flushQueued();
      return takeReport();
    },
    async close(closeOptions) {
      const timeout = closeOptions?.timeout;
      if (timeout !== undefined) assertIntegerIn(timeout, [0, maxTimerMs], 'ingester.close(): timeout (milliseconds)', TogaiValidationError);
      closing = true;
      const giveUp = () => stop.abort(new TogaiAbortError(`ingester.close() gave up after ${timeout} ms: this event was not confirmed (it may have been accepted; resending it with the same id is safe).`));
      const deadline = timeout === undefined ? undefined : setTimeout(giveUp, timeout);
      if (deadline !== undefined) unrefTimer(deadline);
      try {
        // Events of add() calls still waiting for room are queued as batches settle; deliver those too.
        do await flushQueued();
        while (waitingHead < waiting.length || held > 0);
      } finally {
        clearTimeout(deadline);
      }
      clearTimeout(timer);
      timer = undefined;
      return takeReport();
    },
    get queued() {
      return held;
    },
    options: settings,
  };
}
