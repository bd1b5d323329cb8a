// The client's options and a call's options: their defaults, their ranges and the one check both go through.
// Values outside a range never reach a timer or a loop: Node turns a delay of 2^31 ms or more into 1 ms, and an
// unbounded retry count never stops.
import { assertIntegerIn, type ErrorClass } from '../core/checks.js';
import { TogaiConfigurationError } from '../core/errors.js';
import { maxTimerMs } from '../core/timing.js';
import type { Tuning } from '../transport/transport.js';

export type { Tuning };

/** Per-call options; each overrides the client's setting for this call only (same ranges, see README). */
export interface RequestOptions extends Partial<Tuning> {
  /** Aborts the call and every further retry at once. */
  signal?: AbortSignal | undefined;
  /**
   * For operations whose body has a top-level `idempotencyKey` (purchases, custom invoices, license updates): the
   * key to send. It must equal a key the body already has; with no body, the body `{ idempotencyKey }` is sent.
   */
  idempotencyKey?: string | undefined;
  /** Extra request headers. */
  headers?: Record<string, string> | undefined;
}

/** Each setting's range and default. */
const tuningRanges: Readonly<Record<keyof Tuning, readonly [min: number, max: number, fallback: number]>> = {
  maxRetries: [0, 10, 2],
  timeout: [1, maxTimerMs, 60_000],
  maxRetryDelay: [0, maxTimerMs, 30_000],
  // A page of a thousand accounts is about a megabyte; 16 MiB leaves ample room and still bounds what a
  // misbehaving server (or a compression bomb) can make each call hold in memory.
  maxResponseBytes: [1, 2 ** 30, 16 * 1024 * 1024],
};

// The four settings `given` sets, checked, and nothing else: a caller cannot slip other settings through.
// `withDefaults` fills in the others.
export function pickTuning(given: Readonly<Partial<Record<keyof Tuning, unknown>>>, ErrorClass: ErrorClass, withDefaults = false) {
  const picked: Partial<Tuning> = {};
  for (const key in tuningRanges) {
    const name = key as keyof Tuning;
    const [min, max, fallback] = tuningRanges[name];
    const value = given[name];
    if (value !== undefined) assertIntegerIn(value, [min, max], name, ErrorClass);
    if (value !== undefined || withDefaults) picked[name] = value ?? fallback;
  }
  return picked;
}

/** The client's settings: what `given` sets, checked, over the defaults. */
export const resolveTuning = (given: object) => pickTuning(given, TogaiConfigurationError, true) as Tuning;

/** Options that decide where requests, and with them the credential, are sent: fixed once a client exists. */
export const credentialRoutingOptions = ['token', 'apiKey', 'shortLivedToken', 'environment', 'baseUrl', 'pathStyle', 'fetch'] as const;

// The options `withOptions` was given, as a plain copy that leaves the credential where it is; throws otherwise. The
// copy is checked and used, so an object cannot show one thing to the check and another to the client (a getter).
export function safeOverrides<T extends object>(overrides: T): T {
  if (typeof overrides !== 'object' || overrides === null) throw new TogaiConfigurationError('withOptions() takes an object of options.');
  const copy = { ...overrides };
  const moved = credentialRoutingOptions.filter((name) => Object.hasOwn(copy, name));
  if (moved.length > 0) {
    throw new TogaiConfigurationError(`withOptions() cannot change ${moved.join(', ')}: they decide where the credential is sent; create a new client instead.`);
  }
  return copy;
}
