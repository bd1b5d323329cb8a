// Scripted node:http servers on 127.0.0.1 for behaviour Prism cannot produce (faults, headers, paging).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (request: RecordedRequest, response: ServerResponse, index: number) => void | Promise<void>;

export interface TestServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * Listens on loopback `port` (0: a free one; rejects if it is taken); `close` drops open connections too, so it
 * never waits on a kept-alive one.
 */
async function listenOnLoopback(server: NetServer, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Starts a server whose `handler` answers each request; `index` counts requests from 0. `port` 0: a free one. */
export async function startServer(handler: Handler, port = 0): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
    requests.push(recorded);
    await handler(recorded, res, requests.length - 1);
  });
  return { requests, ...(await listenOnLoopback(server, port)) };
}

/** Answers with JSON. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export interface RawServer {
  url: string;
  /** The head (request line and headers) of every request received, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A TCP server on 127.0.0.1 that answers each request with the bytes `reply` gives, then closes the connection:
 * for answers node:http refuses to write (status 999, a final 1xx, bytes that are not HTTP).
 */
export async function startRawServer(reply: (index: number) => string | Buffer): Promise<RawServer> {
  const requests: string[] = [];
  const server = createNetServer((socket) => {
    socket.on('error', () => undefined);
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      if (end === -1) return;
      requests.push(received.slice(0, end));
      received = '';
      socket.end(reply(requests.length - 1));
    });
  });
  return { requests, ...(await listenOnLoopback(server)) };
}

/** A loopback URL nothing listens on (a port that was free a moment ago): connecting to it is refused. */
export async function deadUrl(): Promise<string> {
  const probe = await startServer(() => undefined);
  await probe.close();
  return probe.url;
}
