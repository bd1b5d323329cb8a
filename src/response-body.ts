// Response bodies are read whole inside the attempt's timeout, and counted as they arrive: fetch has already
// undone any Content-Encoding, so the count is what would sit in memory, and a compression bomb stops at the
// limit instead of inflating to gigabytes.

/** Most of an error body any error keeps: Togai's `ErrorResponse` is a sentence, a proxy's page a few lines. */
export const maxErrorBodyBytes = 8 * 1024;

function concat(chunks: Uint8Array<ArrayBuffer>[], size: number): Uint8Array<ArrayBuffer> {
  if (chunks.length === 1) return chunks[0]!;
  const whole = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}

/**
 * Reads `body` to its end. Past `limit` bytes it stops reading and throws what `tooLarge` makes, or, without
 * `tooLarge`, returns the first `limit` bytes.
 */
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

/** True when the headers alone show the body is over `limit` (a declared length with no encoding to undo). */
export function declaredTooLarge(headers: Headers, limit: number): boolean {
  const length = headers.get('content-length');
  return length !== null && !headers.has('content-encoding') && Number(length) > limit;
}
