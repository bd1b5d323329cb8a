// What the behaviour suites share: servers that are closed after each test, and helpers for calls meant to fail.
import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { account } from './fixtures.js';
import { sendJson, startRawServer, startServer, type Handler, type RawServer, type TestServer } from './http-server.js';

/**
 * `serve` and `serveRaw` start servers that close when the current test ends (`serve` on a free port, or on
 * `port`); `answering` serves `account` to every request. Call once per file.
 */
export function useServers() {
  const open: Array<TestServer | RawServer> = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()));
  });
  const track = <S extends TestServer | RawServer>(server: S): S => {
    open.push(server);
    return server;
  };
  const serve = async (handler: Handler, port = 0) => track(await startServer(handler, port));
  return {
    serve,
    serveRaw: async (reply: (index: number) => string | Buffer) => track(await startRawServer(reply)),
    answering: () => serve((_, res) => sendJson(res, 200, account)),
  };
}

/** The error a call fails with; fails the test if the call succeeds. */
export async function failure(promise: Promise<unknown> | (() => unknown)): Promise<Error> {
  try {
    await (typeof promise === 'function' ? Promise.resolve().then(promise) : promise);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The rejections nobody handled while `body` ran (and a few ticks after, for late ones). */
export async function unhandledDuring(body: () => Promise<unknown>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const record = (reason: unknown) => void seen.push(reason);
  process.on('unhandledRejection', record);
  try {
    await body();
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    process.off('unhandledRejection', record);
  }
  return seen;
}

/** The error `create` throws synchronously; fails the test if it does not throw. */
export function thrownBy(create: () => unknown, what = 'createTogaiClient'): Error {
  try {
    create();
  } catch (error) {
    return error as Error;
  }
  throw new Error(`expected ${what} to throw`);
}

/** Answers with a redirect to `location`, without a body. */
export function redirect(res: ServerResponse, status: number, location: string) {
  res.writeHead(status, { location, 'content-length': '0' });
  res.end();
}

/** Answers `status` with a JSON error body (`{ message: "scripted <status>" }`) and `headers`. */
export const errorJson =
  (status: number, headers: Record<string, string> = {}) =>
  (res: ServerResponse) =>
    sendJson(res, status, { message: `scripted ${status}` }, headers);

/**
 * One server for a file's property tests, started before them and closed after them: `shared.server` is the
 * server, and `shared.answer` what it does with the next request (each property sets it before a call;
 * properties run one case at a time). It answers `account` until told otherwise.
 */
export function useSharedServer() {
  const shared = {
    answer: ((_, res) => sendJson(res, 200, account)) as (url: string, res: ServerResponse) => void,
    server: undefined as unknown as TestServer,
  };
  beforeAll(async () => {
    shared.server = await startServer((request, res) => shared.answer(request.url, res));
  });
  afterAll(async () => {
    await shared.server.close();
  });
  return shared;
}
