// How much of a response the client reads (maxResponseBytes, per client and per call), against scripted servers
// on 127.0.0.1: bodies declared or streamed past the cap, endless chunked bodies, compression bombs, and error
// bodies kept to their first 8 KiB. Every test counts what the servers received.
import { createGzip, brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InternalServerError, TogaiResponseTooLargeError } from '../src/index.js';
import { clientFor } from './support/client.js';
import { account } from './support/fixtures.js';
import { sendJson } from './support/http-server.js';
import { failure, useServers } from './support/scripted.js';

const { serve } = useServers();

describe('maxResponseBytes', () => {
  const bytes = (count: number) => Buffer.alloc(count, 0x20);

  it('refuses a 200 declared larger than the cap without reading it, and does not retry', async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2048) });
      res.end(bytes(2048));
    });
    const error = await failure(clientFor(server.url, { maxResponseBytes: 1024, maxRetries: 3 }).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiResponseTooLargeError);
    expect(error).toMatchObject({ limit: 1024, method: 'GET', path: '/accounts/ACC1' });
    expect(server.requests).toHaveLength(1);
  });

  it('accepts a body of exactly the cap, and refuses one byte more', async () => {
    const body = JSON.stringify({ ...account, name: 'x'.repeat(200) });
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.end(body);
    });
    const size = Buffer.byteLength(body);
    await expect(clientFor(server.url).accounts.get({ accountId: 'ACC1' }, { maxResponseBytes: size })).resolves.toMatchObject({ id: 'ACC1' });
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }, { maxResponseBytes: size - 1 }));
    expect(error).toBeInstanceOf(TogaiResponseTooLargeError);
  });

  it('stops reading an endless chunked body soon after the cap', async () => {
    let written = 0;
    let closed = false;
    const server = await serve(async (_, res) => {
      res.on('close', () => (closed = true));
      res.writeHead(200, { 'content-type': 'application/json' });
      // Bounded: gives up at 256 MiB whatever the client does.
      while (!closed && written < 256 * 1024 * 1024) {
        written += 64 * 1024;
        if (!res.write(bytes(64 * 1024))) await new Promise((resolve) => (res.once('drain', resolve), res.once('close', resolve)));
      }
      res.end();
    });
    const error = await failure(clientFor(server.url, { maxResponseBytes: 1024 * 1024 }).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiResponseTooLargeError);
    await expect.poll(() => closed).toBe(true);
    // The cap plus what the socket buffers held when the client hung up; nowhere near the 256 MiB on offer.
    expect(written).toBeLessThan(32 * 1024 * 1024);
  });

  it.each([
    ['gzip', () => gzipSync(bytes(64 * 1024 * 1024))],
    ['br', () => brotliCompressSync(bytes(64 * 1024 * 1024))],
    ['deflate', () => deflateSync(bytes(64 * 1024 * 1024))],
  ])('counts after decompression: a small %s body that inflates to 64 MiB is refused', async (encoding, compress) => {
    const compressed = compress();
    expect(compressed.length).toBeLessThan(1024 * 1024);
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding, 'content-length': compressed.length });
      res.end(compressed);
    });
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiResponseTooLargeError);
    expect(error.message).toContain(`${16 * 1024 * 1024} bytes`); // the default cap
    expect(server.requests).toHaveLength(1);
  });

  it('counts a gzip body streamed without a length the same way', async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      const gzip = createGzip();
      gzip.pipe(res);
      gzip.end(bytes(4 * 1024 * 1024));
    });
    const error = await failure(clientFor(server.url, { maxResponseBytes: 1024 * 1024 }).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiResponseTooLargeError);
  });

  it('reads only the first 8 KiB of an error body that is a gzip bomb', async () => {
    const compressed = gzipSync(bytes(64 * 1024 * 1024));
    const server = await serve((_, res) => {
      res.writeHead(503, { 'content-type': 'text/plain', 'content-encoding': 'gzip', 'content-length': compressed.length });
      res.end(compressed);
    });
    const error = await failure(clientFor(server.url, { maxRetries: 1 }).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).body).toHaveLength(8 * 1024);
    expect(server.requests).toHaveLength(2);
  });

  it('keeps only the first 8 KiB of a huge error body, and a short message', async () => {
    const message = `${'a'.repeat(1024)} ${'b'.repeat(5 * 1024 * 1024)}`;
    const server = await serve((_, res) => sendJson(res, 500, { message }));
    const error = await failure(clientFor(server.url, { maxRetries: 0 }).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(InternalServerError);
    const { body } = error as InternalServerError;
    expect(typeof body).toBe('string'); // the cut JSON no longer parses; its start is kept as text
    expect((body as string).length).toBe(8 * 1024);
    expect((body as string).startsWith('{"message":"aaaa')).toBe(true);
    expect(error.message.length).toBeLessThan(600);
  });

  it('applies to the raw api, which throws rather than return a truncated success', async () => {
    const server = await serve((_, res) => sendJson(res, 200, { ...account, name: 'x'.repeat(4096) }));
    const api = clientFor(server.url, { maxResponseBytes: 1024 }).api;
    const error = await failure(api.GET('/accounts/{account_id}', { params: { path: { account_id: 'ACC1' } } }));
    expect(error).toBeInstanceOf(TogaiResponseTooLargeError);
  });

  it('a per-call cap overrides the client’s, both ways', async () => {
    const server = await serve((_, res) => sendJson(res, 200, { ...account, name: 'x'.repeat(4096) }));
    const client = clientFor(server.url, { maxResponseBytes: 1024 });
    await expect(client.accounts.get({ accountId: 'ACC1' }, { maxResponseBytes: 8192 })).resolves.toMatchObject({ id: 'ACC1' });
    const small = clientFor(server.url);
    expect(await failure(small.accounts.get({ accountId: 'ACC1' }, { maxResponseBytes: 1024 }))).toBeInstanceOf(
      TogaiResponseTooLargeError,
    );
  });
});
