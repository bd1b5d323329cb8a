// The client's options and a call's options: their defaults, their ranges and the one check both go through.
// Values outside a range never reach a timer or a loop: Node turns a delay of 2^31 ms or more into 1 ms, and an
// unbounded retry count never stops.
import { assertIntegerIn } from '../core/checks.js';
import { TogaiConfigurationError, type TogaiError } from '../core/errors.js';
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

const tuningDefaults: Readonly<Tuning> = {
  maxRetries: 2,
  timeout: 60_000,
  maxRetryDelay: 30_000,
  // A page of a thousand accounts is about a megabyte; 16 MiB leaves ample room and still bounds what a
  // misbehaving server (or a compression bomb) can make each call hold in memory.
  maxResponseBytes: 16 * 1024 * 1024,
};

const ranges: Readonly<Record<keyof Tuning, readonly [min: number, max: number]>> = {
  maxRetries: [0, 10],
  timeout: [1, maxTimerMs],
  maxRetryDelay: [0, maxTimerMs],
  maxResponseBytes: [1, 2 ** 30],
};

/**
 * The tuning values `given` sets, checked (throws `ErrorClass` for one out of range): a plain object of the four
 * fields and nothing else, so a caller cannot slip other settings through.
 */
export function pickTuning(given: Readonly<Partial<Record<keyof Tuning, unknown>>>, ErrorClass: new (message: string) => TogaiError): Partial<Tuning> {
  const picked: Partial<Tuning> = {};
  for (const name of Object.keys(ranges) as (keyof Tuning)[]) {
    const value = given[name];
    if (value === undefined) continue;
    assertIntegerIn(value, ranges[name], name, ErrorClass);
    picked[name] = value;
  }
  return picked;
}

/** The client's settings: what `given` sets, checked, over the defaults. */
export function resolveTuning(given: Readonly<Partial<Record<keyof Tuning, unknown>>>): Tuning {
  return { ...tuningDefaults, ...pickTuning(given, TogaiConfigurationError) };
}

/** Options that decide where requests, and with them the credential, are sent: fixed once a client exists. */
export const credentialRoutingOptions = ['token', 'apiKey', 'shortLivedToken', 'environment', 'baseUrl', 'pathStyle', 'fetch'] as const;

/**
 * The options `withOptions` was given, as a plain copy that leaves the credential where it is; throws
 * otherwise. The copy is what gets checked and used, so an object cannot show one thing to the check and
 * another to the client (a Proxy, a getter).
 */
export function safeOverrides<T extends object>(overrides: T): T {
  if (typeof overrides !== 'object' || overrides === null) throw new TogaiConfigurationError('withOptions() takes an object of options.');
  const copy = { ...overrides };
  const moved = credentialRoutingOptions.filter((name) => Object.hasOwn(copy, name));
  if (moved.length > 0) {
    throw new TogaiConfigurationError(`withOptions() cannot change ${moved.join(', ')}: they decide where the credential is sent; create a new client instead.`);
  }
  return copy;
}
