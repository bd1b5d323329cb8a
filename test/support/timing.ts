// Waiting and measuring time in tests: every wait is bounded, and a deliberate wait is checked with `slack`.

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds since `start` (a `performance.now()` reading). */
export const since = (start: number) => performance.now() - start;

/** Timers may fire a hair early against performance.now(); a deliberate wait is checked with this slack. */
export const slack = 25;

/** A promise with its resolve function, for servers that wait on what the client does. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** How `promise` settled within `ms`: its value or error and when, or `settled: false`. Never leaves it unhandled. */
export async function settleWithin(promise: Promise<unknown>, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    promise.then(
      (value) => ({ settled: true as const, value, error: undefined as unknown, at: performance.now() }),
      (error: unknown) => ({ settled: true as const, value: undefined as unknown, error, at: performance.now() }),
    ),
    new Promise<{ settled: false }>((resolve) => (timer = setTimeout(() => resolve({ settled: false }), ms))),
  ]);
  clearTimeout(timer);
  return outcome;
}
