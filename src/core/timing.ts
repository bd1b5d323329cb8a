// Waiting, shared by the transport's retries and the ingester's resends: one sleep, one backoff, one timer cap, and
// `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date, nothing else. Date.parse would read "-5" as a date
// in 2001 and retry at once, so each of the three HTTP-date formats is matched exactly.

/** Largest delay a Node or browser timer honours; anything above fires at once. */
export const maxTimerMs = 2 ** 31 - 1;

/** Waits `ms`, or less when `signal` aborts first (the caller then finds it aborted); never leaves a timer behind. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `initialMs` doubled per attempt (0-based), at most `maxMs`, less up to a quarter at random (no lockstep retries). */
export function backoffMs(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(initialMs * 2 ** attempt, maxMs) * (1 - 0.25 * Math.random());
}

/** A timer that does not keep the process alive on its own (Node, Bun: unref(); Deno: Deno.unrefTimer). */
export function unrefTimer(timer: ReturnType<typeof setTimeout>): void {
  if (typeof (timer as { unref?: unknown }).unref === 'function') (timer as { unref(): void }).unref();
  else (globalThis as { Deno?: { unrefTimer?(id: unknown): void } }).Deno?.unrefTimer?.(timer);
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const month = `(?<month>${months.join('|')})`;
const time = '(?<hour>\\d{2}):(?<minute>\\d{2}):(?<second>\\d{2})';
const weekday = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const httpDateFormats = [
  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
  new RegExp(`^${weekday}, (?<day>\\d{2}) ${month} (?<year>\\d{4}) ${time} GMT$`),
  // obsolete RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
  new RegExp(`^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (?<day>\\d{2})-${month}-(?<year>\\d{2}) ${time} GMT$`),
  // obsolete asctime: Sun Nov  6 08:49:37 1994
  new RegExp(`^${weekday} ${month} (?<day>[ \\d]\\d) ${time} (?<year>\\d{4})$`),
];

/** Milliseconds since the epoch, or undefined when a field is out of range (31 Feb, 25:00, ...). */
function toEpochMs(fields: Record<string, string>, now: number): number | undefined {
  const [day, hour, minute, second] = [fields.day, fields.hour, fields.minute, fields.second].map(Number) as number[];
  const monthIndex = months.indexOf(fields.month!);
  let year = Number(fields.year);
  if (fields.year!.length === 2) {
    // A two-digit year more than 50 years ahead means the most recent past year ending in those digits.
    const thisYear = new Date(now).getUTCFullYear();
    year += thisYear - (thisYear % 100);
    if (year > thisYear + 50) year -= 100;
  }
  if (hour! > 23 || minute! > 59 || second! > 60) return undefined; // 60: a leap second
  if (new Date(Date.UTC(year, monthIndex, day)).getUTCDate() !== day) return undefined;
  return Date.UTC(year, monthIndex, day, hour, minute, second);
}

/** `Retry-After` in milliseconds from now; undefined when absent or not a valid value (the caller backs off). */
export function retryAfterMs(header: string | null): number | undefined {
  const value = header?.trim() ?? '';
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const now = Date.now();
  const fields = httpDateFormats.map((format) => format.exec(value)?.groups).find(Boolean);
  const date = fields && toEpochMs(fields, now);
  return date === undefined ? undefined : Math.max(0, date - now);
}
