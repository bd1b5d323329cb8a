// Cursor pagination over `{ data: [...], nextToken }` pages. A list call returns a `PagedList`, an APIPromise of
// its first page:
//   await it                              → the first page
//   for await (const item of it)          → every item of every page
//   for await (const page of it.pages())  → one page at a time
import type { PaginationMetadata } from '../../generated/operations.js';
import { TogaiPaginationError, TogaiResponseParseError } from '../core/errors.js';
import { APIPromise, type WithResponse } from './api-promise.js';

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

/** Fetches one page given the token of the page before it (undefined for the first). */
type PageFetcher<Body> = (token: string | undefined) => Promise<WithResponse<Body>>;

/** Bounds the loop against a server that hands out tokens forever; no real list is this long. */
const maxPages = 1_000_000;

// A page as the list's operation (`path`, its template: the final URL after a redirect is the server's text) answered it.
function toPage<Item, Body>({ data: body, response }: WithResponse<Body>, meta: PaginationMetadata, fetchPage: PageFetcher<Body>, path: string): Page<Item, Body> {
  const malformed = (problem: string) =>
    new TogaiResponseParseError(`A page of GET ${path} is malformed: ${problem}; the list cannot be read further.`, { status: response.status, method: 'GET', path });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw malformed('it is not a JSON object');
  const record = body as Record<string, unknown>;
  const found = record[meta.itemsField];
  // Some of Togai's lists document their items as optional: a page without them is empty.
  if (found !== undefined && found !== null && !Array.isArray(found)) throw malformed(`"${meta.itemsField}" is not an array`);
  const token = record[meta.tokenField];
  if (token !== undefined && token !== null && typeof token !== 'string') throw malformed(`"${meta.tokenField}" is not a string`);
  const nextToken = token ? token : undefined;
  return {
    items: (found ?? []) as Item[],
    nextToken,
    body,
    response,
    hasNextPage: () => nextToken !== undefined,
    async getNextPage() {
      if (nextToken === undefined) throw new TogaiPaginationError('This is the last page; check hasNextPage() first.');
      return toPage<Item, Body>(await fetchPage(nextToken), meta, fetchPage, path);
    },
  };
}

/** A list call: an APIPromise of its first page (requested once, on first use), iterable over every item. */
export class PagedList<Item, Body> extends APIPromise<Page<Item, Body>> implements AsyncIterable<Item> {
  constructor(meta: PaginationMetadata, fetchPage: PageFetcher<Body>, path: string) {
    super(() => fetchPage(undefined).then((answer) => ({ data: toPage<Item, Body>(answer, meta, fetchPage, path), response: answer.response })), true);
  }

  /** Iterates page by page instead of item by item. */
  async *pages(): AsyncIterableIterator<Page<Item, Body>> {
    let page = (await this.withResponse()).data;
    // A token seen before means the API goes round in circles (A → B → A). Brent's method finds any cycle within
    // about twice its start plus its length while keeping one token (moved at page 2, 4, 8, ...), however many pages.
    let marker: string | undefined;
    for (let count = 1; ; count += 1) {
      yield page;
      const token = page.nextToken;
      if (token === undefined) return;
      if (token === marker) {
        throw new TogaiPaginationError('The API returned a page token a second time in this listing; stopping to avoid an endless loop.');
      }
      if (count >= maxPages) throw new TogaiPaginationError(`Stopped after ${maxPages} pages; the API keeps handing out page tokens.`);
      if (count > 1 && (count & (count - 1)) === 0) marker = token;
      page = await page.getNextPage();
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Item> {
    for await (const page of this.pages()) yield* page.items;
  }
}
