// Response bodies are read whole inside the attempt's timeout and counted as they arrive, after fetch undid any
// Content-Encoding: the count is what would sit in memory, and a compression bomb stops at the limit. The bytes come
// back as a BufferedResponse: `new Response(bytes)` would build a stream only for openapi-fetch to read it again, so
// this subclass serves the bytes it already has and makes a stream only if someone asks for `body`.

function concat(chunks: Uint8Array<ArrayBuffer>[], size: number): Uint8Array<ArrayBuffer> {
  if (chunks.length === 1) return chunks[0]!;
  const whole = new Uint8Array(size);
  chunks.reduce((offset, chunk) => (whole.set(chunk, offset), offset + chunk.byteLength), 0);
  return whole;
}

/** Reads `body` to its end; past `limit` bytes, throws what `tooLarge` makes or else returns the first `limit`. */
export async function readBody(
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
  limit: number,
  tooLarge?: () => Error,
): Promise<Uint8Array<ArrayBuffer>> {
  const reader = body.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concat(chunks, size);
    if (size + value.byteLength > limit) {
      reader.cancel().catch(() => undefined); // closes the connection; nothing more is wanted from it
      if (tooLarge) throw tooLarge();
      chunks.push(value.subarray(0, limit - size));
      return concat(chunks, limit);
    }
    chunks.push(value);
    size += value.byteLength;
  }
}

/** The body's length as the headers declare it, when there is no encoding to undo (else NaN). */
const declaredLength = (headers: Headers) => (headers.has('content-encoding') ? NaN : Number(headers.get('content-length') ?? NaN));

/** The headers alone show the body is over `limit`. */
export const declaredTooLarge = (headers: Headers, limit: number) => declaredLength(headers) > limit;
/** The headers show a body within `limit`: fetch delivers no more than a declared length, so it can be read at once. */
export const declaredWithin = (headers: Headers, limit: number) => declaredLength(headers) <= limit;

const utf8 = new TextDecoder();

const unusable = () => new TypeError('Body is unusable: Body has already been read');

export class BufferedResponse extends Response {
  readonly #bytes: Uint8Array<ArrayBuffer> | null;
  readonly #url: string;
  readonly #redirected: boolean;
  #used = false;
  #stream: ReadableStream<Uint8Array<ArrayBuffer>> | null | undefined;

  /** `bytes` is the whole body (null for none); status, text and headers come from `from`. */
  constructor(bytes: Uint8Array<ArrayBuffer> | null, from: Response, url: string, redirected: boolean) {
    super(null, { status: from.status, statusText: from.statusText, headers: from.headers });
    this.#bytes = bytes;
    this.#url = url;
    this.#redirected = redirected;
  }

  /** The bytes, once: a body can be read only one way, one time, as with any Response. */
  #take(): Uint8Array<ArrayBuffer> {
    if (this.#used || this.#stream?.locked) throw unusable();
    this.#used = true;
    void this.#stream?.cancel(); // a stream someone looked at but did not read is now spent too
    return this.#bytes ?? new Uint8Array(0);
  }

  override async text(): Promise<string> {
    return utf8.decode(this.#take());
  }

  override async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    return this.#take().slice().buffer;
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#take().slice();
  }

  override async blob(): Promise<Blob> {
    return new Blob([this.#take()], { type: this.headers.get('content-type') ?? '' });
  }

  override async formData(): Promise<FormData> {
    return new Response(this.#take(), { headers: this.headers }).formData();
  }

  override clone(): BufferedResponse {
    if (this.bodyUsed) throw unusable();
    return this.unread();
  }

  /** The same response with its body not yet read, whether or not this one was (`.asResponse()`). */
  unread(): BufferedResponse {
    return new BufferedResponse(this.#bytes, this, this.#url, this.#redirected);
  }

  // Response declares these as properties, so they are redefined on the prototype rather than overridden.
  static {
    const getters: Record<string, (response: BufferedResponse) => unknown> = {
      // Made on first access; empty once the body was read another way. Never throws (logging reads it).
      body: (r) => (r.#stream ??= r.#bytes && new Blob([r.#used ? new Uint8Array(0) : r.#bytes]).stream()),
      bodyUsed: (r) => r.#used || (r.#stream?.locked ?? false),
      url: (r) => r.#url,
      redirected: (r) => r.#redirected,
    };
    for (const [name, read] of Object.entries(getters)) {
      Object.defineProperty(this.prototype, name, {
        get(this: BufferedResponse) {
          return read(this);
        },
      });
    }
  }
}
