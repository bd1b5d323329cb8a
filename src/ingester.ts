// client.events.createIngester(): collects usage events into ingestBatch calls of up to 500, sends a few batches
// at a time, resends a batch that failed in a way that may pass later, and reports per event what was accepted and
// what failed.
//
// Nothing lost, nothing counted twice: every event gets its id in add(), before anything is sent, and keeps it on
// every resend, so Togai's deduplication by id (45 days) makes a resent batch harmless. Each event settles exactly
// once (accepted, or failed with its error) and appears in exactly one report.
//
// Retries are layered: each delivery attempt is one `events.ingestBatch` call, inside which the client's transport
// already retries (the client's `maxRetries`, 2 by default, honouring Retry-After). When that call still fails with
// a 408, 429, a 5xx other than 501/505, a timeout or a broken connection, the ingester waits (Retry-After of the
// last answer, else 1 s, 2 s, 4 s, ... with jitter, capped at `maxRetryDelay` either way) and calls again, up to
// `maxAttempts` calls. A batch therefore reaches the server at most maxAttempts × (maxRetries + 1) times. Anything
// else settles at once: events a 207 lists fail, the rest are accepted; 400, 422 and other 4xx fail the batch, and
// so does a 2xx whose body cannot be read, but a 202 (Togai's "accepted"). Only a 413 (too large) splits the batch
// in halves, each sent like a batch, so that an oversized event fails alone.
import type { Event } from '../generated/schema.js';
import {
  TogaiAbortError,
  TogaiApiError,
  TogaiConfigurationError,
  TogaiConnectionError,
  TogaiError,
  TogaiResponseParseError,
  TogaiValidationError,
} from './errors.js';
import type { FacadeMethod, RequestOptions } from './facade.js';
import { newIdempotencyKey } from './idempotency.js';
import { retryAfterMs } from './retry-after.js';

export interface IngesterOptions {
  /** Events per ingestBatch call, 1 to 500 (Togai's limit). Default 500. */
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
  /** ingestBatch calls per batch (each with the client's own retries), 1 to 20. Default 5. */
  maxAttempts?: number | undefined;
  /** Longest pause in milliseconds before the ingester calls again, whatever Retry-After asks for. Default 30 000. */
  maxRetryDelay?: number | undefined;
}

/** The defaults; maxQueued follows from concurrency and maxBatchSize (see IngesterOptions). */
const defaults = {
  maxBatchSize: 500,
  flushInterval: 1_000,
  concurrency: 4,
  maxAttempts: 5,
  maxRetryDelay: 30_000,
} as const satisfies Omit<Required<IngesterOptions>, 'maxQueued'>;

/** Togai's limit on events per ingestBatch call (`maxItems` of IngestBatchEventRequest.events). */
const maxEventsPerBatch = 500;
const maxTimerMs = 2_147_483_647; // setTimeout's limit

const optionRanges: Record<keyof IngesterOptions, readonly [number, number]> = {
  maxBatchSize: [1, maxEventsPerBatch],
  flushInterval: [0, maxTimerMs],
  maxQueued: [1, 10_000_000],
  concurrency: [1, 64],
  maxAttempts: [1, 20],
  maxRetryDelay: [0, maxTimerMs],
};

/** An event that could not be delivered, as it was sent (with its id), and why. */
export interface FailedEvent {
  event: Event;
  error: TogaiError;
}

/** What happened to the events that settled since the previous report; each event is in exactly one report. */
export interface IngestReport {
  /** Events Togai accepted. */
  accepted: number;
  /** Events that were not delivered, each with its error: Togai's rejection, or the last failure after retries. */
  failed: FailedEvent[];
  /** Batches that settled. */
  batches: number;
  /** Times the ingester called ingestBatch again for a batch (the client's own retries within a call not included). */
  resent: number;
}

export interface Ingester {
  /**
   * Queues an event and resolves to its id once it is queued: the caller's `id`, or a new one, which is also set on
   * the event object. Waits while `maxQueued` events are held. Rejects with TogaiValidationError for an event that
   * is not an object or whose `id` is not a non-empty string, and with TogaiIngesterClosedError after close().
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

/** Togai listed the event in a 207 answer: it was not accepted, and resending it will not change that. */
export class EventRejectedError extends TogaiError {
  override name = 'EventRejectedError';
  constructor(
    readonly eventId: string,
    /** Togai's reason, as given in the answer. */
    readonly apiMessage: string | undefined,
  ) {
    super(`POST /ingestBatch rejected event ${eventId}: ${apiMessage ?? 'no reason given'}`);
  }
}

/** add() on an ingester that is closing or closed. */
export class TogaiIngesterClosedError extends TogaiError {
  override name = 'TogaiIngesterClosedError';
}

type IngestBatch = FacadeMethod<'ingestBatch'>;

interface Outcome {
  accepted: number;
  failed: FailedEvent[];
  resent: number;
}

function resolveOptions(options: IngesterOptions = {}): Required<IngesterOptions> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TogaiConfigurationError('createIngester() takes an options object.');
  }
  const resolved: Record<string, number> = { ...defaults };
  for (const [name, value] of Object.entries(options) as [keyof IngesterOptions, unknown][]) {
    const range = optionRanges[name];
    if (!range) {
      throw new TogaiConfigurationError(`createIngester(): unknown option ${JSON.stringify(name)}; known: ${Object.keys(optionRanges).join(', ')}.`);
    }
    if (value === undefined) continue;
    const [min, max] = range;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new TogaiConfigurationError(`createIngester(): ${name} must be an integer from ${min} to ${max}, got ${String(value)}.`);
    }
    resolved[name] = value;
  }
  // A small queue matters for speed too: events that wait long are promoted to the old generation of the heap, and
  // collecting them there is costly (measured on loopback: 1.5× the CPU per event with 10 000 held as with 2 500).
  resolved.maxQueued ??= (resolved.concurrency! + 1) * resolved.maxBatchSize!;
  if (resolved.maxQueued < resolved.maxBatchSize!) {
    throw new TogaiConfigurationError(
      `createIngester(): maxQueued (${resolved.maxQueued}) must be at least maxBatchSize (${resolved.maxBatchSize}).`,
    );
  }
  return resolved as Required<IngesterOptions>;
}

/**
 * The event as it will be sent: a shallow copy carrying its id, so later changes to the caller's object cannot
 * change the id. An object with toJSON() (a class instance, say) is sent as JSON.stringify would send it: its
 * toJSON() result, taken now.
 */
function prepare(event: unknown): Event {
  const toJSON = typeof event === 'object' && event !== null ? (event as { toJSON?: unknown }).toJSON : undefined;
  const source: unknown = typeof toJSON === 'function' ? jsonForm(event as { toJSON(): unknown }) : event;
  if (typeof source !== 'object' || source === null || Array.isArray(source)) {
    const what = Array.isArray(source) ? 'an array' : String(source);
    throw new TogaiValidationError(`ingester.add() takes an event object, got ${source === event ? what : `one whose toJSON() gives ${what}`}.`);
  }
  const given = (source as { id?: unknown }).id;
  if (given === undefined) {
    const id = newIdempotencyKey();
    if (source === event) {
      try {
        (event as { id?: string }).id = id; // so the caller sees it; a frozen event keeps only the copy's
      } catch {
        // frozen or sealed: the id is still returned by add()
      }
    }
    return { ...(source as Event), id };
  }
  if (typeof given !== 'string' || given === '') {
    throw new TogaiValidationError(`ingester.add(): an event id must be a non-empty string, got ${JSON.stringify(given) ?? String(given)}.`);
  }
  return { ...(source as Event), id: given };
}

function jsonForm(event: { toJSON(): unknown }): unknown {
  try {
    return event.toJSON();
  } catch (error) {
    const validation = new TogaiValidationError(
      `ingester.add(): the event's toJSON() threw: ${error instanceof Error ? error.message : String(error)}`,
    );
    (validation as { cause?: unknown }).cause = error;
    throw validation;
  }
}

/** 408, 429, 5xx (but 501 and 505, which do not pass), timeouts and broken connections may pass when resent. */
function isTransient(error: unknown): boolean {
  if (error instanceof TogaiConnectionError) return true;
  if (!(error instanceof TogaiApiError)) return false;
  const { status } = error;
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** Failures from outside the SDK (a batch that JSON cannot serialize) become TogaiErrors with the original as cause. */
function asTogaiError(error: unknown, what: string): TogaiError {
  if (error instanceof TogaiError) return error;
  const wrapped = new TogaiError(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  (wrapped as { cause?: unknown }).cause = error;
  return wrapped;
}

function unserializable(event: Event): TogaiValidationError | undefined {
  try {
    JSON.stringify(event);
    return undefined;
  } catch (error) {
    const validation = new TogaiValidationError(
      `Event ${event.id} cannot be sent: it is not JSON-serializable (${error instanceof Error ? error.message : String(error)}).`,
    );
    (validation as { cause?: unknown }).cause = error;
    return validation;
  }
}

/** Reads a 207 answer: the events it lists (matched by id, within this batch only) failed; the others were accepted. */
function partialOutcome(events: Event[], body: unknown): Pick<Outcome, 'accepted' | 'failed'> {
  const errors = (body as { errors?: unknown } | null | undefined)?.errors;
  if (!Array.isArray(errors)) {
    const error = new TogaiResponseParseError(
      'POST /ingestBatch answered 207 without an errors list, so which events were accepted is unknown.',
      207,
      'POST',
      '/ingestBatch',
    );
    return { accepted: 0, failed: events.map((event) => ({ event, error })) };
  }
  const unsettled = new Map<string, Event[]>();
  for (const event of events) {
    const same = unsettled.get(event.id!);
    if (same) same.push(event);
    else unsettled.set(event.id!, [event]);
  }
  const failed: FailedEvent[] = [];
  for (const entry of errors as unknown[]) {
    const id = (entry as { eventPayload?: { id?: unknown } } | null)?.eventPayload?.id;
    // An entry naming no event of this batch (or one already counted) says nothing about this batch.
    const event = typeof id === 'string' ? unsettled.get(id)?.shift() : undefined;
    if (!event) continue;
    const message = (entry as { message?: unknown }).message;
    failed.push({ event, error: new EventRejectedError(event.id!, typeof message === 'string' ? message : undefined) });
  }
  return { accepted: events.length - failed.length, failed };
}

/** Waits `ms`; resolves early when `signal` aborts (the caller then finds it aborted). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** A timer that does not keep the process alive on its own (Node, Bun: unref(); Deno: Deno.unrefTimer). */
function unrefTimer(timer: ReturnType<typeof setTimeout>): void {
  if (typeof timer === 'object' && timer !== null && typeof (timer as { unref?: unknown }).unref === 'function') {
    (timer as { unref(): void }).unref();
  } else {
    (globalThis as { Deno?: { unrefTimer?(id: unknown): void } }).Deno?.unrefTimer?.(timer);
  }
}

export function createIngester(ingestBatch: IngestBatch, options?: IngesterOptions): Ingester {
  const settings = Object.freeze(resolveOptions(options));
  const { maxBatchSize, flushInterval, maxQueued, concurrency, maxAttempts, maxRetryDelay } = settings;

  // Queued events, in chunks of up to maxBatchSize: a batch is the first chunk, taken whole.
  const chunks: Event[][] = [];
  // Every event gets a sequence number as it is queued. Events before `sentSeq` are in batches; events before
  // `urgentUpTo` (marked by flush(), close() or the flush timer) are sent without waiting for a full batch.
  let nextSeq = 0;
  let sentSeq = 0;
  let urgentUpTo = 0;
  /** In-flight batches by the sequence number of their first event. */
  const inFlight = new Map<object, number>();
  let held = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closing = false;
  // Aborted when close() runs out of time: stops calls in flight, backoff waits and every further attempt.
  const stop = new AbortController();
  // Every event has its id from add(): the client need not read the body again to fill them, and may resend it.
  const sendOptions: RequestOptions = { signal: stop.signal };

  // add() calls waiting for room, oldest first (an array with a moving head: shift() would be quadratic).
  let waiting: { event: Event; resolve: (id: string) => void }[] = [];
  let waitingHead = 0;
  // flush() calls waiting for every event before `mark` to settle; marks only grow, so oldest first.
  const flushes: { mark: number; resolve: () => void }[] = [];

  let report: IngestReport = { accepted: 0, failed: [], batches: 0, resent: 0 };
  const takeReport = (): IngestReport => {
    const taken = report;
    report = { accepted: 0, failed: [], batches: 0, resent: 0 };
    return taken;
  };

  /** Every event before this sequence number has settled. */
  function settledUpTo(): number {
    let low = sentSeq;
    for (const start of inFlight.values()) if (start < low) low = start;
    return low;
  }

  function enqueue(event: Event): void {
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
      const key = {};
      inFlight.set(key, start);
      void deliver(batch).then((outcome) => settle(key, batch, outcome));
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

  function settle(key: object, batch: Event[], outcome: Outcome): void {
    inFlight.delete(key);
    held -= batch.length;
    report.accepted += outcome.accepted;
    for (const failure of outcome.failed) report.failed.push(failure);
    report.batches += 1;
    report.resent += outcome.resent;
    while (waitingHead < waiting.length && held < maxQueued) {
      const next = waiting[waitingHead]!;
      waiting[waitingHead++] = undefined as never;
      enqueue(next.event);
      next.resolve(next.event.id!);
    }
    if (waitingHead === waiting.length) {
      waiting = [];
      waitingHead = 0;
    }
    pump();
    const done = settledUpTo();
    while (flushes.length > 0 && flushes[0]!.mark <= done) flushes.shift()!.resolve();
  }

  /** Sends one batch until every event of it has settled; never rejects. */
  async function deliver(batch: Event[]): Promise<Outcome> {
    const outcome: Outcome = { accepted: 0, failed: [], resent: 0 };
    try {
      await send(batch, outcome);
      return outcome;
    } catch (error) {
      // Only a bug of ours gets here. Drop what was counted so far and fail the whole batch: each event still
      // settles once (as failed, which is safe to resend), never twice.
      const reason = asTogaiError(error, 'The ingester failed to deliver the batch');
      return { accepted: 0, failed: batch.map((event) => ({ event, error: reason })), resent: outcome.resent };
    }
  }

  /** Sends `events` (resending, splitting) until each has settled, counting into `outcome`. */
  async function send(events: Event[], outcome: Outcome): Promise<void> {
    let screened = false;
    for (let attempt = 1; ; attempt += 1) {
      let answer: { data: unknown; response: Response };
      try {
        if (stop.signal.aborted) throw stop.signal.reason;
        if (attempt > 1) outcome.resent += 1;
        answer = await ingestBatch({ body: { events } }, sendOptions).withResponse();
      } catch (caught) {
        let error = caught;
        if ((!(error instanceof TogaiError) || error instanceof TogaiValidationError) && !screened) {
          // Not an answer from the API but refused before sending: most likely an event JSON cannot serialize (a
          // BigInt, a cycle). Fail those events alone and send the rest.
          screened = true;
          const sendable: Event[] = [];
          for (const event of events) {
            const problem = unserializable(event);
            if (problem) outcome.failed.push({ event, error: problem });
            else sendable.push(event);
          }
          if (sendable.length < events.length) {
            if (sendable.length === 0) return;
            events = sendable;
            attempt -= 1; // nothing reached the server
            continue;
          }
        }
        // A call cut short by close()'s deadline reports the deadline, not a bare abort.
        if (error instanceof TogaiAbortError && stop.signal.aborted) error = stop.signal.reason;
        // 202 is Togai's "accepted"; its body carries nothing the ingester needs.
        if (error instanceof TogaiResponseParseError && error.status === 202) {
          outcome.accepted += events.length;
          return;
        }
        // Too large for the server (or a proxy before it): send each half on its own, so one oversized event
        // fails alone. At most 2n - 1 parts for n events, each with its own attempts.
        if (error instanceof TogaiApiError && error.status === 413 && events.length > 1) {
          const half = Math.ceil(events.length / 2);
          await send(events.slice(0, half), outcome);
          await send(events.slice(half), outcome);
          return;
        }
        if (attempt < maxAttempts && isTransient(error)) {
          await sleep(retryDelay(error, attempt), stop.signal);
          continue;
        }
        const reason = asTogaiError(error, 'The batch could not be sent');
        for (const event of events) outcome.failed.push({ event, error: reason });
        return;
      }
      if (answer.response.status !== 207) {
        outcome.accepted += events.length;
        return;
      }
      const partial = partialOutcome(events, answer.data);
      outcome.accepted += partial.accepted;
      for (const failure of partial.failed) outcome.failed.push(failure);
      return;
    }
  }

  function retryDelay(error: unknown, attempt: number): number {
    const asked = error instanceof TogaiApiError ? retryAfterMs(error.headers.get('retry-after')) : undefined;
    const backoff = 1_000 * 2 ** (attempt - 1) * (1 - 0.25 * Math.random());
    return Math.min(asked ?? backoff, maxRetryDelay);
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
    add(event) {
      if (closing) return Promise.reject(new TogaiIngesterClosedError('ingester.add() after close(): the ingester takes no more events.'));
      let prepared: Event;
      try {
        prepared = prepare(event);
      } catch (error) {
        return Promise.reject(error);
      }
      if (held < maxQueued && waitingHead === waiting.length) {
        enqueue(prepared);
        pump(); // sends a full batch, or starts the flush timer
        return Promise.resolve(prepared.id!);
      }
      return new Promise((resolve) => waiting.push({ event: prepared, resolve }));
    },
    async flush() {
      await flushQueued();
      return takeReport();
    },
    async close(closeOptions) {
      const timeout = closeOptions?.timeout;
      if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 0 || timeout > maxTimerMs)) {
        throw new TogaiValidationError(`ingester.close(): timeout must be an integer from 0 to ${maxTimerMs} milliseconds, got ${String(timeout)}.`);
      }
      closing = true;
      let deadline: ReturnType<typeof setTimeout> | undefined;
      if (timeout !== undefined) {
        deadline = setTimeout(() => {
          const reason = new TogaiAbortError(
            `ingester.close() gave up after ${timeout} ms: this event was not confirmed (it may have been accepted; resending it with the same id is safe).`,
          );
          stop.abort(reason);
        }, timeout);
        unrefTimer(deadline);
      }
      try {
        // Events of add() calls still waiting for room are queued as batches settle; deliver those too.
        do await flushQueued();
        while (waitingHead < waiting.length || held > 0);
      } finally {
        clearTimeout(deadline);
      }
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      return takeReport();
    },
    get queued() {
      return held;
    },
    options: settings,
  };
}
