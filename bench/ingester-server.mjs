// Child process for the ingester bench: a keep-alive node:http server on 127.0.0.1 that takes POST /ingestBatch
// and POST /ingest, counts the events in each body (without parsing it: the clients are what is measured) and
// answers 202 as Togai does. The parent asks for the counts over IPC ('take' returns and resets them).
import { createServer } from 'node:http';

const marker = Buffer.from('"schemaName"');
const accepted = Buffer.from(JSON.stringify({ success: true, statusCode: 202, message: 'Events accepted for processing' }));
let counts = { requests: 0, events: 0, largestBatch: 0 };

function countEvents(body) {
  let events = 0;
  for (let at = body.indexOf(marker); at !== -1; at = body.indexOf(marker, at + marker.length)) events += 1;
  return events;
}

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const events = countEvents(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    counts.requests += 1;
    counts.events += events;
    counts.largestBatch = Math.max(counts.largestBatch, events);
    response.writeHead(202, { 'content-type': 'application/json', 'content-length': accepted.length });
    response.end(accepted);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (message) => {
  if (message !== 'take') return;
  process.send({ counts });
  counts = { requests: 0, events: 0, largestBatch: 0 };
});
// The parent disconnects when it is done (or dies): then close and exit.
process.on('disconnect', () => server.close(() => process.exit(0)));
