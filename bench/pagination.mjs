// 6. Pagination: iterate a long list through the facade's `for await` against an in-memory fetch serving pages,
// sampling the heap after every page. Bounded memory means the heap after the walk is back near where it began.
import { pagedAccountsFetch } from './fixtures.mjs';
import { collectGarbage } from './stats.mjs';

const mb = (bytes) => bytes / 1024 / 1024;

export async function pagination(sdk, { smoke }) {
  const pageSize = 1000;
  const pages = smoke ? 10 : 1000;
  const togai = sdk.createTogaiClient({
    baseUrl: 'https://api.togai.com',
    token: 'bench-token',
    pathStyle: 'flat',
    fetch: pagedAccountsFetch({ pages, pageSize }),
  });
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  let items = 0;
  let lastId;
  const started = performance.now();
  for await (const account of togai.accounts.list({ query: { pageSize } })) {
    items += 1;
    lastId = account.id;
    if (items % pageSize === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
  }
  const seconds = (performance.now() - started) / 1000;
  collectGarbage();
  const after = process.memoryUsage().heapUsed;
  if (items !== pages * pageSize || lastId !== `ACC${items - 1}`) {
    throw new Error(`pagination yielded ${items} items ending at ${lastId}; expected ${pages * pageSize}`);
  }
  return {
    items,
    pages,
    pageSize,
    seconds,
    itemsPerSec: items / seconds,
    heapBeforeMB: mb(before),
    heapAfterMB: mb(after),
    heapPeakMB: mb(peak),
    heapGrowthMB: mb(after - before),
    gcExposed: typeof globalThis.gc === 'function',
  };
}
