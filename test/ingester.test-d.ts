// Type-level tests of createIngester (the ingester entry), checked by `tsc --noEmit` and vitest's typecheck. An unused
// expect-error directive fails the build, so each one proves a mistake does not compile.
import { describe, expectTypeOf, test } from 'vitest';
import { createTogaiClient, type Event, type TogaiError } from '../src/index.js';
import { createIngester, type Ingester, type IngestReport } from '../src/ingester/index.js';

const flat = createTogaiClient({ token: 't', environment: 'production' });
const scoped = createTogaiClient({ token: 't', environment: 'sandbox' });
const unknownVariant = createTogaiClient({ token: 't', pathStyle: process.env.STYLE === 'flat' ? 'flat' : 'customer-scoped' });

describe('createIngester takes a client that has ingestBatch', () => {
  test('flat clients and clients whose variant is unknown are taken', () => {
    expectTypeOf(createIngester(flat)).toEqualTypeOf<Ingester>();
    expectTypeOf(createIngester(unknownVariant, { maxBatchSize: 100 })).toEqualTypeOf<Ingester>();
  });

  test('customer-scoped clients have no events resource at all, so they are refused', () => {
    // @ts-expect-error: events exist only on flat paths
    void scoped.events;
    // @ts-expect-error: a customer-scoped client cannot ingest
    createIngester(scoped);
  });

  test('options are typed', () => {
    // @ts-expect-error: maxBatchSize is a number
    createIngester(flat, { maxBatchSize: '500' });
    // @ts-expect-error: unknown option
    createIngester(flat, { batchSize: 500 });
  });
});

describe('the ingester takes usage events and reports per event', () => {
  const ingester = createIngester(flat);

  test('add() takes an Event and resolves to its id', () => {
    expectTypeOf(ingester.add).parameter(0).toEqualTypeOf<Event>();
    expectTypeOf(ingester.add).returns.resolves.toEqualTypeOf<string>();
    async function unused() {
      // @ts-expect-error: accountId is required
      await ingester.add({ schemaName: 's', timestamp: 't', attributes: [], dimensions: {} });
    }
    void unused;
  });

  test('flush() and close() resolve to a report', () => {
    expectTypeOf(ingester.flush).returns.resolves.toEqualTypeOf<IngestReport>();
    expectTypeOf(ingester.close).returns.resolves.toEqualTypeOf<IngestReport>();
    expectTypeOf<IngestReport['accepted']>().toEqualTypeOf<number>();
    expectTypeOf<IngestReport['failed'][number]>().toEqualTypeOf<{ event: Event; error: TogaiError }>();
  });

  test('queued and options are read-only', () => {
    expectTypeOf(ingester.queued).toEqualTypeOf<number>();
    expectTypeOf(ingester.options.maxQueued).toEqualTypeOf<number>();
    // @ts-expect-error: the settings cannot be changed after creation
    ingester.options.maxQueued = 1;
  });
});
