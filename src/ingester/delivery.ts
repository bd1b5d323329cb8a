// Delivering one batch of the ingester: an `ingestBatch` call per attempt, resent while the failure may pass, split
// when the server finds it too large, and read per event when Togai answers 207. Each event settles exactly once.
import { operations } from '../../generated/operations.js';
import type { Event } from '../../generated/models.js';
import { TogaiAbortError, TogaiApiError, TogaiConnectionError, TogaiError, TogaiResponseParseError } from '../core/errors.js';
import { cleanServerText, type Redactor } from '../core/redaction.js';
import { backoffMs, retryAfterMs, sleep } from '../core/timing.js';
import type { APIPromise } from '../client/api-promise.js';
import { SerializedBody } from '../client/generated-keys.js';
import type { RequestOptions } from '../client/options.js';

/** Togai's batch operation, as the spec describes it: where the events go in its body and how many fit. */
export const batchOperation = operations.ingestBatch;
export const [[eventsField, maxEventsPerBatch]] = Object.entries(batchOperation.arrayLimits) as [[string, number]];
/** The field of each event the SDK keys the batch on (`events[].id`): its id. */
const idField = batchOperation.generatedKeys[0]!.split('[].')[1]!;

/** Togai listed the event in a 207 answer: it was not accepted, and resending it will not change that. */
export class EventRejectedError extends TogaiError {
  override name = 'EventRejectedError';
  declare readonly eventId: string;
  /** Togai's reason, as given in the answer. */
  declare readonly apiMessage: string | undefined;

  constructor(message: string, details: { eventId: string; apiMessage: string | undefined }) {
    super(message, details);
  }
}

/** An event that could not be delivered, as it was sent (with its id), and why. */
export interface FailedEvent { event: Event; error: TogaiError }

/** An event as add() took it: its id, and its JSON text, which is what is sent. */
export interface Taken { readonly id: string; readonly json: string }

/** A failed event as the report shows it: the event as sent, read back from its JSON. */
export const failure = (taken: Taken, error: TogaiError): FailedEvent => ({ event: JSON.parse(taken.json) as Event, error });

export interface Outcome { accepted: number; failed: FailedEvent[]; resent: number }

export type IngestBatch = (args: { body: SerializedBody }, options: RequestOptions) => APIPromise<unknown>;

interface DeliveryOptions {
  maxAttempts: number;
  maxRetryDelay: number;
  /** Aborted when close() runs out of time: stops calls in flight, waits and every further attempt. */
  stop: AbortSignal;
  /** The client's redactor: Togai's reasons in a 207 are server text, and may echo the credential. */
  redact: Redactor;
}

/** 408, 429, 5xx (but 501 and 505, which do not pass), timeouts and broken connections may pass when resent. */
const isTransient = (error: unknown): boolean =>
  error instanceof TogaiConnectionError || (error instanceof TogaiApiError && (error.status === 408 || error.status === 429 || (error.status >= 500 && ![501, 505].includes(error.status))));

/** Counts a 207 answer: the events it lists (by id, within this batch only) failed; the others were accepted. */
function countPartial(events: Taken[], body: unknown, outcome: Outcome, redact: Redactor): void {
  const errors = (body as { errors?: unknown } | null | undefined)?.errors;
  const { method, path } = batchOperation;
  if (!Array.isArray(errors)) {
    const error = new TogaiResponseParseError(`${method} ${path} answered 207 without an errors list, so which events were accepted is unknown.`, { status: 207, method, path });
    return void outcome.failed.push(...events.map((event) => failure(event, error)));
  }
  const unsettled = new Map<string, Taken[]>();
  for (const event of events) unsettled.set(event.id, [...(unsettled.get(event.id) ?? []), event]);
  let failed = 0;
  for (const entry of errors as unknown[]) {
    const id = (entry as { eventPayload?: { id?: unknown } } | null)?.eventPayload?.id;
    // An entry naming no event of this batch (or one already counted) says nothing about this batch.
    const event = typeof id === 'string' ? unsettled.get(id)?.shift() : undefined;
    if (!event) continue;
    const message = (entry as { message?: unknown }).message;
    const apiMessage = typeof message === 'string' ? redact(message) : undefined; // as sent, secrets blotted out
    const error = new EventRejectedError(`${method} ${path} rejected event ${event.id}: ${cleanServerText(apiMessage ?? '', redact) || 'no reason given'}`, { eventId: event.id, apiMessage });
    outcome.failed.push(failure(event, error));
    failed += 1;
  }
  outcome.accepted += events.length - failed;
}

function retryDelay(error: unknown, attempt: number, maxRetryDelay: number): number {
  const asked = error instanceof TogaiApiError ? retryAfterMs(error.headers.get('retry-after')) : undefined;
  return Math.min(asked ?? backoffMs(attempt - 1, 1_000, Number.MAX_SAFE_INTEGER), maxRetryDelay);
}

/** Sends `events` (resending, splitting) until each has settled, counting into `outcome`; never rejects. */
export async function deliver(ingestBatch: IngestBatch, events: Taken[], options: DeliveryOptions, outcome: Outcome): Promise<void> {
  const { maxAttempts, maxRetryDelay, stop } = options;
  // The batch as sent: the events' JSON as add() took it, joined (nothing serialized twice), and the ids it carries.
  const keys = () => Object.fromEntries(events.map((event, i) => [`${eventsField}[${i}].${idField}`, event.id]));
  const body = new SerializedBody(`{${JSON.stringify(eventsField)}:[${events.map((event) => event.json).join(',')}]}`, keys);
  for (let attempt = 1; ; attempt += 1) {
    try {
      if (stop.aborted) throw stop.reason;
      if (attempt > 1) outcome.resent += 1;
      const { data, response } = await ingestBatch({ body }, { signal: stop }).withResponse();
      if (response.status === 207) return countPartial(events, data, outcome, options.redact);
      return void (outcome.accepted += events.length);
    } catch (caught) {
      // A call cut short by close()'s deadline reports the deadline, not a bare abort.
      const error = caught instanceof TogaiAbortError && stop.aborted ? stop.reason : caught;
      // 202 is Togai's "accepted"; its body carries nothing the ingester needs.
      if (error instanceof TogaiResponseParseError && error.status === 202) return void (outcome.accepted += events.length);
      // Too large for the server (or a proxy before it): send each half on its own, so one oversized event
      // fails alone. At most 2n - 1 parts for n events, each with its own attempts.
      if (error instanceof TogaiApiError && error.status === 413 && events.length > 1) {
        const half = Math.ceil(events.length / 2);
        await deliver(ingestBatch, events.slice(0, half), options, outcome);
        await deliver(ingestBatch, events.slice(half), options, outcome);
        return;
      }
      if (attempt < maxAttempts && isTransient(error)) {
        await sleep(retryDelay(error, attempt, maxRetryDelay), stop);
        continue;
      }
      const reason = error instanceof TogaiError ? error : new TogaiError(`The batch could not be sent: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      return void outcome.failed.push(...events.map((event) => failure(event, reason)));
    }
  }
}
