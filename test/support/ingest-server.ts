// A scripted stand-in for Togai's POST /ingestBatch, for the ingester's tests: it keeps each event id once (a
// repeated id is accepted and dropped, as Togai refuses it asynchronously), answers 207 for rejected events, and
// does what a test's script says with each request (503s, 429s, held answers, connections that die after it
// accepted a batch).
import type { ServerResponse } from 'node:http';
import { expect } from 'vitest';
import type { Event } from '../../src/index.js';
import { sendJson } from './http-server.js';
import { useServers } from './scripted.js';

/** What the scripted server does with one request. */
export type Action =
  | 'accept' // store every event (each id once), answer 202
  | 'drop' // close the connection without answering or storing
  | 'drop-after-accept' // store, then close the connection without answering
  | 'stall-after-accept' // store, then never answer
  | 'hold' // neither store nor answer until release() is called
  | { status: number; retryAfter?: string; message?: string } // an error answer; nothing stored
  | { reject: (event: Event) => string | undefined }; // 207 listing the events given a reason; the rest stored

export interface Received {
  events: Event[];
  /** How many times the server had already received this batch (by its first event id). */
  seenBefore: number;
  arrivedAt: number;
}

export interface TogaiServer {
  url: string;
  received: Received[];
  /** Accepted events by id, each once. */
  stored: Map<string, Event>;
  /** Most requests open at once. */
  maxOpen: number;
  /** Answers every held request with 202 (storing its events); `count` limits how many, oldest first. */
  release(count?: number): number;
  heldCount(): number;
  /** Answers every held request with `status` and `body`, storing nothing. */
  answerHeld(status: number, body: unknown): void;
  /** Stops listening (also done after each test). */
  close(): Promise<void>;
}

/**
 * `togai(script)` starts a Togai-like /ingestBatch whose `script` decides what to do with each request (default:
 * accept); `serve` starts any other scripted server. Both close when the current test ends. Call once per file.
 */
export function useIngestServers() {
  const { serve } = useServers();

  async function togai(script: (received: Received, index: number) => Action = () => 'accept'): Promise<TogaiServer> {
    const stored = new Map<string, Event>();
    const received: Received[] = [];
    const seen = new Map<string, number>();
    const held: { events: Event[]; res: ServerResponse }[] = [];
    let open = 0;
    const store = (events: Event[]) => {
      for (const event of events) if (!stored.has(event.id!)) stored.set(event.id!, event);
    };
    const accepted = (res: ServerResponse, events: Event[]) =>
      sendJson(res, 202, { success: true, statusCode: 202, message: `${events.length} events accepted for processing` });
    const state: TogaiServer = {
      url: '',
      received,
      stored,
      maxOpen: 0,
      release(count = held.length) {
        const answered = held.splice(0, count);
        for (const { events, res } of answered) {
          store(events);
          accepted(res, events);
        }
        return answered.length;
      },
      heldCount: () => held.length,
      answerHeld(status, body) {
        for (const { res } of held.splice(0)) sendJson(res, status, body);
      },
      close: () => server.close(),
    };
    const server = await serve(async (request, res, index) => {
      open += 1;
      state.maxOpen = Math.max(state.maxOpen, open);
      res.once('close', () => (open -= 1));
      expect(`${request.method} ${request.url}`).toBe('POST /ingestBatch');
      const { events } = JSON.parse(request.body) as { events: Event[] };
      const key = events[0]?.id ?? '';
      const entry: Received = { events, seenBefore: seen.get(key) ?? 0, arrivedAt: performance.now() };
      seen.set(key, entry.seenBefore + 1);
      received.push(entry);
      const action = script(entry, index);
      if (action === 'accept') return (store(events), accepted(res, events));
      if (action === 'drop') return void res.destroy();
      if (action === 'drop-after-accept') return (store(events), void res.destroy());
      if (action === 'stall-after-accept') return void store(events);
      if (action === 'hold') return void held.push({ events, res });
      if ('status' in action) {
        const headers: Record<string, string> = action.retryAfter === undefined ? {} : { 'retry-after': action.retryAfter };
        return sendJson(res, action.status, { message: action.message ?? `scripted ${action.status}` }, headers);
      }
      const errors = events.flatMap((event) => {
        const message = action.reject(event);
        return message === undefined ? [] : [{ message, eventPayload: event }];
      });
      store(events.filter((event) => action.reject(event) === undefined));
      sendJson(res, errors.length > 0 ? 207 : 202, errors.length > 0 ? { errors } : { success: true });
    });
    state.url = server.url;
    return state;
  }

  return { togai, serve };
}

let counter = 0;
/** A valid usage event; without an id unless one is given. */
export function usage(overrides: Partial<Event> = {}): Event {
  counter += 1;
  return {
    schemaName: 'api_calls',
    timestamp: '2024-07-15T10:30:00Z',
    accountId: 'ACC00001',
    attributes: [{ name: 'calls', value: String(counter), unit: 'None' }],
    dimensions: { region: 'us-east-1' },
    ...overrides,
  };
}

/** Every batch the server received holds at most `limit` events, and every copy of a resent batch is identical. */
export function expectWellFormedBatches(server: TogaiServer, limit: number) {
  const copies = new Map<string, string>();
  for (const { events } of server.received) {
    expect(events.length).toBeGreaterThan(0);
    expect(events.length).toBeLessThanOrEqual(limit);
    const text = JSON.stringify(events);
    const first = copies.get(events[0]!.id!);
    if (first === undefined) copies.set(events[0]!.id!, text);
    else expect(text).toBe(first);
  }
}
