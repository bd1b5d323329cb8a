// Child process for the loopback bench: a keep-alive node:http server on 127.0.0.1 that answers every request
// with the canned account. It runs apart from the clients so its work does not share their event loop.
import { createServer } from 'node:http';
import { accountJson } from './fixtures.mjs';

const body = Buffer.from(accountJson);
const server = createServer((request, response) => {
  request.resume(); // drain any body so the connection can be reused
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    response.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
// The parent disconnects when it is done (or dies): then close and exit.
process.on('disconnect', () => server.close(() => process.exit(0)));
