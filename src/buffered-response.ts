// The Response the transport hands back once it has read a body whole. Wrapping the bytes in `new Response`
// would build a fresh stream only for openapi-fetch to read it again; this subclass is constructed without a
// body and serves the bytes it already has, making a stream only if someone asks for `body`.

const utf8 = new TextDecoder();

function unusable(): TypeError {
  return new TypeError('Body is unusable: Body has already been read');
}

function streamOf(bytes: Uint8Array<ArrayBuffer>): ReadableStream<Uint8Array<ArrayBuffer>> {
  return new ReadableStream({
    start(controller) {
      if (bytes.byteLength > 0) controller.enqueue(bytes.slice());
      controller.close();
    },
  });
}

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
    if (this.#used || this.#stream?.locked) throw unusable();
    return new BufferedResponse(this.#bytes, this, this.#url, this.#redirected);
  }

  // Response declares these as properties, so they are redefined on the prototype rather than overridden.
  static {
    Object.defineProperties(this.prototype, {
      body: {
        // Made on first access; empty once the body was read another way. Never throws (logging reads it).
        get(this: BufferedResponse) {
          if (this.#stream === undefined) {
            const bytes = this.#bytes;
            this.#stream = bytes === null ? null : streamOf(this.#used ? new Uint8Array(0) : bytes);
          }
          return this.#stream;
        },
      },
      bodyUsed: {
        get(this: BufferedResponse) {
          return this.#used || (this.#stream?.locked ?? false);
        },
      },
      url: {
        get(this: BufferedResponse) {
          return this.#url;
        },
      },
      redirected: {
        get(this: BufferedResponse) {
          return this.#redirected;
        },
      },
    });
  }
}
