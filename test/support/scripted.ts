// What the fault suites share: servers that are closed after each test, and a helper for calls meant to fail.
import { afterEach } from 'vitest';
import { startRawServer, startServer, type Handler, type RawServer, type TestServer } from './http-server.js';

/** `serve` and `serveRaw` start servers that close when the current test ends. Call once per file. */
export function useServers() {
  const open: Array<TestServer | RawServer> = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()));
  });
  const track = <S extends TestServer | RawServer>(server: S): S => {
    open.push(server);
    return server;
  };
  return {
    serve: async (handler: Handler) => track(await startServer(handler)),
    serveRaw: async (reply: (index: number) => string | Buffer) => track(await startRawServer(reply)),
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
