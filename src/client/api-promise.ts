// The promise every facade call returns: it resolves to the parsed body, and also offers the HTTP response,
// with the body (`.withResponse()`) or unread (`.asResponse()`). A list's PagedList is one too (pagination.ts).
import { BufferedResponse } from '../transport/body.js';

/** A parsed body together with the HTTP response it came in (`.withResponse()`). */
export interface WithResponse<T> { data: T; response: Response }

export class APIPromise<T> extends Promise<T> {
  readonly #load: () => Promise<WithResponse<T>>;
  readonly #lazy: boolean;
  #sent: Promise<WithResponse<T>> | undefined;

  /**
   * `load` sends the call. A call is sent at once and settles once (`lazy` false); a list's first page is requested
   * on first use, and a failure is not kept, so the next use asks again (`lazy` true).
   */
  constructor(load: () => Promise<WithResponse<T>>, lazy = false) {
    super((resolve) => resolve(undefined as T)); // never observed: then() below is what await uses
    this.#load = load;
    this.#lazy = lazy;
    if (!lazy) this.#answer();
  }

  /** Promise subclasses make their own kind in then(); this one hands out plain promises. */
  static override get [Symbol.species]() {
    return Promise;
  }

  #answer(): Promise<WithResponse<T>> {
    if (this.#sent) return this.#sent;
    const sent = new Promise<WithResponse<T>>((resolve) => resolve(this.#load())); // a throw in load() rejects it
    // A caller who only uses withResponse() or asResponse() handles the rejection there; never report it twice.
    sent.catch(() => {
      if (this.#lazy && this.#sent === sent) this.#sent = undefined;
    });
    return (this.#sent = sent);
  }

  /** The parsed body and the HTTP response (headers, status, request id). */
  withResponse(): Promise<WithResponse<T>> {
    return this.#answer();
  }

  /** The HTTP response with its body unread, as `fetch` would give it (still capped by `maxResponseBytes`). */
  asResponse(): Promise<Response> {
    return this.#answer().then(({ response }) => (response instanceof BufferedResponse ? response.unread() : response));
  }

  // Promise's own catch() and finally() call then(): they need no override.
  override then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#answer()
      .then((answer) => answer.data)
      .then(onFulfilled, onRejected);
  }
}
