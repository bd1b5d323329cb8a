// Entry point `togai-sdk-unofficial/ingester`: the batching ingester, on its own so that the main entry's apps do not
// carry it. `createIngester(client)` takes a client from the main entry.
export { createIngester, TogaiIngesterClosedError } from './ingester.js';
export type { Ingester, IngesterOptions, IngestingClient, IngestReport } from './ingester.js';
export { EventRejectedError } from './delivery.js';
export type { FailedEvent } from './delivery.js';
