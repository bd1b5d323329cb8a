// The numeric settings a client and a single call share (retries, timers, the response size cap): their
// defaults, their ranges and the one check both go through. Values outside a range never reach a timer or a
// loop: Node turns a delay of 2^31 ms or more into 1 ms, and an unbounded retry count never stops.
import { TogaiConfigurationError, type TogaiError } from './errors.js';

export interface Tuning {
  /** Retries after the first attempt, when it is safe to resend. */
  maxRetries: number;
  /** Milliseconds per attempt, from sending to the last byte of the response. */
  timeout: number;
  /** Longest pause between attempts in milliseconds, whatever `Retry-After` or the backoff asks for. */
  maxRetryDelay: number;
  /** Largest response body accepted, in bytes after decompression. */
  maxResponseBytes: number;
}

/** Largest delay a Node or browser timer honours; anything above fires at once. */
export const maxTimerMs = 2 ** 31 - 1;

export const tuningDefaults: Readonly<Tuning> = {
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

const tuningNames = Object.keys(ranges) as (keyof Tuning)[];

type ErrorClass = new (message: string) => TogaiError;

/** Throws `ErrorClass` unless every tuning value present in `given` is an integer within its range. */
export function assertTuning(given: Readonly<Partial<Record<keyof Tuning, unknown>>>, ErrorClass: ErrorClass): void {
  for (const name of tuningNames) {
    const value = given[name];
    if (value === undefined) continue;
    const [min, max] = ranges[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      const shown = typeof value === 'number' ? String(value) : typeof value;
      throw new ErrorClass(`${name} must be an integer from ${min} to ${max}, got ${shown}.`);
    }
  }
}

/** The client's settings: what `given` sets, checked, over the defaults. */
export function resolveTuning(given: Readonly<Partial<Record<keyof Tuning, unknown>>>): Tuning {
  assertTuning(given, TogaiConfigurationError);
  const tuning = { ...tuningDefaults };
  for (const name of tuningNames) if (given[name] !== undefined) tuning[name] = given[name] as number;
  return tuning;
}

/** Options that decide where requests, and with them the credential, are sent: fixed once a client exists. */
export const credentialRoutingOptions = ['token', 'apiKey', 'shortLivedToken', 'environment', 'baseUrl', 'pathStyle', 'fetch'] as const;

/**
 * The options `withOptions` was given, as a plain copy that leaves the credential where it is; throws
 * otherwise. The copy is what gets checked and used, so an object cannot show one thing to the check and
 * another to the client (a Proxy, a getter).
 */
export function safeOverrides<T extends object>(overrides: T): T {
  if (typeof overrides !== 'object' || overrides === null) {
    throw new TogaiConfigurationError('withOptions() takes an object of options.');
  }
  const copy = { ...overrides };
  const moved = credentialRoutingOptions.filter((name) => Object.hasOwn(copy, name));
  if (moved.length > 0) {
    throw new TogaiConfigurationError(
      `withOptions() cannot change ${moved.join(', ')}: they decide where the credential is sent; create a new client instead.`,
    );
  }
  return copy;
}
