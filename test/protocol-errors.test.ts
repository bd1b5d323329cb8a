// Answers that are not HTTP responses with a status from 200 to 599 (status 999 or 600, a final 1xx, bytes that
// are not HTTP, conflicting lengths, a huge header), from raw TCP servers on 127.0.0.1: each is one request and a
// TogaiProtocolError, never retried, with the server's text cleaned.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TogaiProtocolError } from '../src/index.js';
import { clientFor, token } from './support/client.js';
import { newAccount } from './support/fixtures.js';
import { failure, useServers } from './support/scripted.js';

const { serveRaw } = useServers();

describe('answers that are not HTTP responses with a status from 200 to 599', () => {
  const replies: Array<[string, string, number | undefined]> = [
    ['status 999', 'HTTP/1.1 999 Weird\r\ncontent-length: 2\r\n\r\n{}', 999],
    ['status 600', 'HTTP/1.1 600 Beyond\r\ncontent-length: 2\r\n\r\n{}', 600],
    ['a final 1xx', 'HTTP/1.1 199 Final\r\ncontent-length: 2\r\n\r\n{}', undefined],
    ['status 000', 'HTTP/1.1 000 Zero\r\ncontent-length: 0\r\n\r\n', undefined],
    ['status 099', 'HTTP/1.1 099 Low\r\ncontent-length: 0\r\n\r\n', undefined],
    ['a 101 nobody asked for', 'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n', undefined],
    ['an unsolicited 100', 'HTTP/1.1 100 Continue\r\n\r\n', undefined],
    ['bytes that are not HTTP', 'SSH-2.0-OpenSSH_9.6\r\n\r\n', undefined],
    ['two different Content-Lengths', 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}', undefined],
    ['a 70 kB header', `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(70_000)}\r\ncontent-length: 2\r\n\r\n{}`, undefined],
  ];

  it.each(replies)('%s: one request, a TogaiProtocolError, never retried (GET)', async (_, reply, status) => {
    const server = await serveRaw(() => reply);
    const error = await failure(clientFor(server.url, { maxRetries: 3 }).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiProtocolError);
    expect(error).toMatchObject({ status, method: 'GET', path: '/accounts/ACC1' });
    if (status) expect(error.message).toContain(`status ${status}`);
    expect(server.requests).toHaveLength(1);
  });

  it.each(replies)('%s: the raw api throws the same, once', async (_, reply) => {
    const server = await serveRaw(() => reply);
    const call = clientFor(server.url).api.GET('/accounts/{account_id}', { params: { path: { account_id: 'ACC1' } } });
    expect(await failure(call)).toBeInstanceOf(TogaiProtocolError);
    expect(server.requests).toHaveLength(1);
  });

  it('a POST answered with status 999 is not resent', async () => {
    const server = await serveRaw(() => 'HTTP/1.1 999 Weird\r\ncontent-length: 0\r\n\r\n');
    expect(await failure(clientFor(server.url, { maxRetries: 3 }).accounts.create({ body: newAccount }))).toBeInstanceOf(
      TogaiProtocolError,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('a status text with escape codes and the token is cleaned', async () => {
    const server = await serveRaw(() => `HTTP/1.1 999 \x1b[2J${token}\r\ncontent-length: 0\r\n\r\n`);
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiProtocolError);
    expect(error.message).toContain('status 999 "[redacted]"');
  });

  it.each([
    ['a status line', (echo: string) => `HTTP/1.1 2x0 ${echo}\r\n\r\n`],
    ['a Content-Length', (echo: string) => `HTTP/1.1 200 OK\r\ncontent-length: 1${echo}\r\n\r\n`],
  ])('bytes that echo the request in %s: the printed error (util.inspect, with its cause) does not quote the credential', async (_, reply) => {
    const server = await serveRaw(() => reply(`Authorization: Bearer ${token}`));
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiProtocolError);
    // The parser's error carried the bytes it stopped at (`data`), where the server had put the token.
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(token);
    // Node 20's parser names an HPE_ code; 22 may report the length mismatch instead, 24 a parser error with no code.
    expect(error.message).toMatch(/not a valid HTTP response \((HPE_[A-Z_]+|UND_ERR_[A-Z_]+|HTTPParserError)\)\.$/);
  });
});
