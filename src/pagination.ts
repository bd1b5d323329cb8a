// Cursor pagination over `{ data: [...], nextToken }` pages. A list call returns a `PagedList`:
//   await it                       → the first page
//   for await (const item of it)   → every item of every page
//   for await (const page of it.pages()) → one page at a time
import type { PaginationMetadata } from '../generated/operations.js';
import { TogaiPaginationError } from './errors.js';
import { cleanServerText, noRedaction } from './redaction.js';

/** A parsed body together with the HTTP response it came in (`.withResponse()`). */
export interface WithResponse<T> {
  data: T;
  response: Response;
}

export interface Page<Item, Body> {
  /** The items of this page. */
  readonly items: Item[];
  /** Token for the next page; undefined on the last page. */
  readonly nextToken: string | undefined;
  /** The page as the API returned it. */
  readonly body: Body;
  /** The HTTP response of this page (headers, request id). */
  readonly response: Response;
  hasNextPage(): boolean;
  /** Fetches the following page; throws when there is none (check `hasNextPage()` first). */
  getNextPage(): Promise<Page<Item, Body>>;
}

export interface PagedList<Item, Body> extends PromiseLike<Page<Item, Body>>, AsyncIterable<Item> {
  /** Iterates page by page instead of item by item. */
  pages(): AsyncIterableIterator<Page<Item, Body>>;
  /** The first page with its HTTP response; each page also carries its own `response`. */
  withResponse(): Promise<WithResponse<Page<Item, Body>>>;
}

/** Fetches one page given the token of the page before it (undefined for the first). */
export type PageFetcher<Body> = (token: string | undefined) => Promise<WithResponse<Body>>;

/** Bounds the loop against a server that hands out tokens forever; no real list is this long. */
const maxPages = 1_000_000;

function toPage<Item, Body>({ data: body, response }: WithResponse<Body>, meta: PaginationMetadata, fetchPage: PageFetcher<Body>): Page<Item, Body> {
  const record = (body ?? {}) as Record<string, unknown>;
  const items = Array.isArray(record[meta.itemsField]) ? (record[meta.itemsField] as Item[]) : [];
  const token = record[meta.tokenField];
  const nextToken = typeof token === 'string' && token !== '' ? token : undefined;
  return {
    items,
    nextToken,
    body,
    response,
    hasNextPage: () => nextToken !== undefined,
    async getNextPage() {
      if (nextToken === undefined) throw new TogaiPaginationError('This is the last page; check hasNextPage() first.');
      return toPage<Item, Body>(await fetchPage(nextToken), meta, fetchPage);
    },
  };
}

export function pagedList<Item, Body>(meta: PaginationMetadata, fetchPage: PageFetcher<Body>): PagedList<Item, Body> {
  // The first page is requested once, however often the list is awaited or iterated; a failure is not kept,
  // so the next await or iteration asks again.
  let first: Promise<Page<Item, Body>> | undefined;
  const firstPage = () => {
    if (first) return first;
    const request = fetchPage(undefined).then((page) => toPage<Item, Body>(page, meta, fetchPage));
    request.catch(() => {
      if (first === request) first = undefined;
    });
    return (first = request);
  };

  async function* pages(): AsyncIterableIterator<Page<Item, Body>> {
    let page = await firstPage();
    // Any token seen before in this walk means the API is going round in circles (A → B → A).
    const seenTokens = new Set<string>();
    for (let count = 1; ; count += 1) {
      yield page;
      if (page.nextToken === undefined) return;
      if (seenTokens.has(page.nextToken)) {
        throw new TogaiPaginationError(
          `The API returned page token "${cleanServerText(page.nextToken, noRedaction, 100)}" a second time; stopping to avoid an endless loop.`,
        );
      }
      if (count >= maxPages) throw new TogaiPaginationError(`Stopped after ${maxPages} pages; the API keeps handing out page tokens.`);
      seenTokens.add(page.nextToken);
      page = await page.getNextPage();
    }
  }

  return {
    then: (onFulfilled, onRejected) => firstPage().then(onFulfilled, onRejected),
    pages,
    withResponse: () => firstPage().then((page) => ({ data: page, response: page.response })),
    async *[Symbol.asyncIterator]() {
      for await (const page of pages()) yield* page.items;
    },
  };
}
