// Waiting, shared by the transport's retries and the ingester's resends: one sleep, one backoff, one timer cap.

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
  if (typeof timer === 'object' && timer !== null && typeof (timer as { unref?: unknown }).unref === 'function') {
    (timer as { unref(): void }).unref();
  } else {
    (globalThis as { Deno?: { unrefTimer?(id: unknown): void } }).Deno?.unrefTimer?.(timer);
  }
}
