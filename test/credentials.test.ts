// Credentials, against scripted servers on 127.0.0.1: where they come from (options, the environment) and which
// are refused at creation (none, only whitespace, padded, over plain http to another machine); where they go (only
// to the API's origin, never moved by withOptions); and that no error, log line or printed client shows them,
// however the server echoes them (redaction). Redirects that leave the origin: redirects.test.ts; short-lived
// tokens: short-lived-tokens.test.ts.
import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterEach, describe, expect, it, test, vi } from 'vitest';
import {
  createTogaiClient,
  TogaiApiError,
  TogaiConfigurationError,
  TogaiError,
  TogaiResponseParseError,
  type TogaiClient,
  type TogaiClientOverrides,
} from '../src/index.js';
import { awkwardUnit, numRuns } from './support/arbitraries.js';
import { clientFor, token } from './support/client.js';
import { account } from './support/fixtures.js';
import { sendJson } from './support/http-server.js';
import { failure, thrownBy, useServers, useSharedServer } from './support/scripted.js';

const { serve, answering } = useServers();
/** The server of the property tests (one for all their cases). */
const shared = useSharedServer();
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('configuration and auth', () => {
  test('no credential at all fails at creation, not with a 401 later', () => {
    vi.stubEnv('TOGAI_API_TOKEN', '');
    vi.stubEnv('TOGAI_API_KEY', '');
    expect(() => createTogaiClient({})).toThrow(TogaiConfigurationError);
    expect(() => createTogaiClient()).toThrow(/TOGAI_API_TOKEN/);
  });

  test('credentials from the environment: bearer token, then API key', async () => {
    const api = await serve((_, res) => sendJson(res, 200, account));
    vi.stubEnv('TOGAI_API_TOKEN', 'env-token');
    await createTogaiClient({ baseUrl: api.url }).accounts.get({ accountId: 'ACC1' });
    vi.stubEnv('TOGAI_API_TOKEN', '');
    vi.stubEnv('TOGAI_API_KEY', 'env-key');
    await createTogaiClient({ baseUrl: api.url }).accounts.get({ accountId: 'ACC1' });
    expect(api.requests[0]?.headers.authorization).toBe('Bearer env-token');
    expect(api.requests[1]?.headers['x-api-key']).toBe('env-key');
    expect(api.requests[1]?.headers.authorization).toBeUndefined();
  });

  test('the credential never shows in String, JSON or inspect of the client', () => {
    const secret = 'tok_secret_1234567890';
    const client = createTogaiClient({ token: secret });
    for (const text of [String(client), JSON.stringify(client), inspect(client, { depth: 10 })]) {
      expect(text).not.toContain(secret);
    }
    expect(JSON.stringify(client)).toContain('bearer');
  });
});

describe('credentials that are only whitespace', () => {
  it.each([
    ['token', { token: '   ' }],
    ['token (tab and newline)', { token: '\t\n' }],
    ['apiKey', { apiKey: ' ' }],
    ['apiKey (no-break space)', { apiKey: '\u00a0' }],
  ])('%s is refused at creation', (_, credential) => {
    expect(() => createTogaiClient({ baseUrl: 'http://127.0.0.1:1', ...credential })).toThrow(TogaiConfigurationError);
  });

  it.each(['TOGAI_API_TOKEN', 'TOGAI_API_KEY'])('%s of only spaces is refused at creation, naming the variable', (name) => {
    vi.stubEnv('TOGAI_API_TOKEN', '');
    vi.stubEnv('TOGAI_API_KEY', '');
    vi.stubEnv(name, '   ');
    expect(() => createTogaiClient({ baseUrl: 'http://127.0.0.1:1' })).toThrow(new RegExp(`${name} is only whitespace`));
  });
});

describe('a credential with leading or trailing whitespace is refused', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  const secret = 'hardening-padded-secret-0123456789';
  const padded: Array<[string, string]> = [
    ['a leading space', ` ${secret}`],
    ['a trailing space', `${secret} `],
    ['a leading tab', `\t${secret}`],
    ['a trailing tab', `${secret}\t`],
    ['spaces and tabs on both sides', ` \t${secret}\t `],
  ];

  const expectRefused = (error: Error) => {
    expect(error).toBeInstanceOf(TogaiConfigurationError);
    expect(error.message).toMatch(/leading or trailing whitespace/);
    expect(error.message).not.toContain(secret);
  };

  it.each(
    padded.flatMap(([name, value]) =>
      (['token', 'apiKey'] as const).map((kind) => [`${kind} with ${name}`, kind, value] as const),
    ),
  )('%s (option) is refused at createTogaiClient', (_, kind, value) => {
    expectRefused(thrownBy(() => createTogaiClient({ baseUrl: 'http://127.0.0.1:1', [kind]: value })));
  });

  it.each(
    padded.flatMap(([name, value]) =>
      (['TOGAI_API_TOKEN', 'TOGAI_API_KEY'] as const).map(
        (variable) => [`${variable} with ${name}`, variable, value] as const,
      ),
    ),
  )('%s (environment) is refused at createTogaiClient', (_, variable, value) => {
    vi.stubEnv('TOGAI_API_TOKEN', '');
    vi.stubEnv('TOGAI_API_KEY', '');
    vi.stubEnv(variable, value);
    expectRefused(thrownBy(() => createTogaiClient({ baseUrl: 'http://127.0.0.1:1' })));
  });

  it('an apiKey with a trailing space is refused for shortLivedToken too, before any exchange', async () => {
    const server = await answering();
    expectRefused(
      thrownBy(() => createTogaiClient({ baseUrl: server.url, apiKey: `${secret} `, shortLivedToken: true })),
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('plain http', () => {
  it.each(['http://api.localhost:1', 'http://localhost.example.com:1', 'http://127.0.0.1.nip.io:1'])(
    '%s is not this machine: refused at creation',
    (baseUrl) => {
      expect(() => createTogaiClient({ baseUrl, token })).toThrow(TogaiConfigurationError);
    },
  );
});

describe('insecure base URLs', () => {
  it.each([{ token }, { apiKey: token }])(
    'refuses to create a client for plain http://example.com (%o)',
    (credential) => {
      let fetched = 0;
      const countingFetch: typeof fetch = async () => {
        fetched += 1;
        return new Response(null, { status: 204 });
      };
      expect(() => createTogaiClient({ baseUrl: 'http://example.com', fetch: countingFetch, ...credential })).toThrow(
        TogaiConfigurationError,
      );
      expect(fetched).toBe(0);
    },
  );

  it.each([
    ['a port out of range', 'https://admin:s3cret-password@api.togai.com:99999'],
    ['a space in the host', 'https://admin:s3cret-password@api togai.com'],
  ])('a base URL that is not a URL (%s) is refused without quoting the credentials in it (option or TOGAI_BASE_URL)', (_, baseUrl) => {
    const error = thrownBy(() => createTogaiClient({ baseUrl, token }));
    expect(error).toBeInstanceOf(TogaiConfigurationError);
    expect(error.message).toMatch(/is not an absolute URL/);
    expect(error.message).not.toMatch(/admin|s3cret/);
    vi.stubEnv('TOGAI_BASE_URL', baseUrl);
    expect(thrownBy(() => createTogaiClient({ token })).message).not.toMatch(/admin|s3cret/);
  });

  it('allows plain http to loopback hosts', () => {
    for (const baseUrl of ['http://127.0.0.1:1', 'http://localhost:1', 'http://[::1]:1']) {
      expect(createTogaiClient({ baseUrl, token }).baseUrl).toBe(`${baseUrl}/`);
    }
  });
});

describe('withOptions cannot move the credential', () => {
  it.each([
    ['baseUrl', 'http://127.0.0.1:1'],
    ['baseUrl', undefined],
    ['environment', 'sandbox'],
    ['pathStyle', 'customer-scoped'],
    ['token', 'other-token'],
    ['apiKey', 'other-key'],
    ['fetch', async () => new Response('{}')],
  ])('withOptions({ %s }) throws TogaiConfigurationError', async (name, value) => {
    const server = await answering();
    const client = clientFor(server.url);
    const error = await failure(() => client.withOptions({ [name]: value } as TogaiClientOverrides));
    expect(error).toBeInstanceOf(TogaiConfigurationError);
    expect(error.message).toContain(name);
    await client.accounts.get({ accountId: 'ACC1' });
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${token}`]);
  });

  it('an object that hides baseUrl from the check but not from a second look cannot move the credential', async () => {
    const server = await answering();
    const elsewhere = await answering();
    let looks = 0;
    const sneaky = new Proxy({} as TogaiClientOverrides, {
      ownKeys: () => ['baseUrl'],
      getOwnPropertyDescriptor: () =>
        (looks += 1) === 1 ? undefined : { value: elsewhere.url, enumerable: true, configurable: true, writable: true },
    });
    const derived = clientFor(server.url).withOptions(sneaky);
    expect(derived.baseUrl).toBe(`${server.url}/`);
    await derived.accounts.get({ accountId: 'ACC1' });
    expect([server.requests.length, elsewhere.requests.length]).toEqual([1, 0]);
  });

  it('nor can TOGAI_BASE_URL changing after the client was made (a late dotenv, a test harness): derived clients stay on its origin', async () => {
    const server = await answering();
    const elsewhere = await answering();
    vi.stubEnv('TOGAI_BASE_URL', server.url);
    const client = createTogaiClient({ token, maxRetries: 0 });
    vi.stubEnv('TOGAI_BASE_URL', elsewhere.url.replace('127.0.0.1', 'localhost'));
    const derived = client.withOptions({ timeout: 5_000 });
    expect(derived.baseUrl).toBe(`${server.url}/`);
    await derived.accounts.get({ accountId: 'ACC1' });
    expect([server.requests.length, elsewhere.requests.length]).toEqual([1, 0]);
  });

  it.each([null, 'timeout', 5])('withOptions(%j) throws TogaiConfigurationError', (value) => {
    expect(() => createTogaiClient({ token }).withOptions(value as never)).toThrow(TogaiConfigurationError);
  });

  it('the settings it may change still work', async () => {
    const server = await answering();
    const derived = clientFor(server.url).withOptions({ timeout: 5_000, headers: { 'x-tenant': 'acme' } });
    await derived.accounts.get({ accountId: 'ACC1' });
    expect(server.requests[0]!.headers).toMatchObject({ authorization: `Bearer ${token}`, 'x-tenant': 'acme' });
  });
});

describe('server text in error messages: the credential is redacted', () => {
  const echo = (body: unknown, status = 401, headers: Record<string, string> = {}) =>
    serve((_, res) => sendJson(res, status, body, headers));

  it.each([
    ['token', { token }],
    ['apiKey', { apiKey: token }],
  ] as const)('a %s the server echoes is redacted from message, body, headers and JSON', async (_, credential) => {
    const server = await echo({ message: `Invalid credential Bearer ${token} (or ${encodeURIComponent(token)})`, seen: [token] }, 401, {
      'x-debug-auth': token,
      'x-request-id': `req-${token}`,
    });
    const client = createTogaiClient({ baseUrl: server.url, pathStyle: 'flat', maxRetries: 0, ...credential });
    const error = (await failure(client.accounts.get({ accountId: 'ACC1' }))) as TogaiApiError;
    expect(error.message).toContain('Invalid credential Bearer [redacted]');
    expect(error.requestId).toBe('req-[redacted]');
    for (const text of [error.message, JSON.stringify(error), JSON.stringify(error.body), error.headers.get('x-debug-auth')]) {
      expect(text).not.toContain(token);
    }
  });

  it('a 200 that echoes the token instead of JSON: the parse error does not quote it (facade and raw api)', async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`Bearer ${token}`);
    });
    const client = clientFor(server.url);
    const errors = [
      await failure(client.accounts.get({ accountId: 'ACC1' })),
      await failure(client.api.GET('/accounts/{account_id}', { params: { path: { account_id: 'ACC1' } } })),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(TogaiResponseParseError);
      // V8's SyntaxError quotes the start of the text ("Bearer hos"...); as the cause it would be in every log.
      expect(inspect(error, { depth: 8 })).not.toContain('Bearer');
    }
  });

  it('a token with quotes and backslashes is redacted in its JSON-escaped form too (a body cut short stays text)', async () => {
    const awkward = 'sk_"quoted"\\back\\slash';
    const server = await serve((_, res) => {
      const text = JSON.stringify({ message: `token ${awkward} refused`, pad: 'p'.repeat(9000) });
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(text);
    });
    const client = createTogaiClient({ baseUrl: server.url, token: awkward, pathStyle: 'flat' });
    const error = (await failure(client.accounts.get({ accountId: 'ACC1' }))) as TogaiApiError;
    expect(typeof error.body).toBe('string');
    expect(error.message).toContain('token [redacted] refused');
    expect(String(error.body)).toContain('token [redacted] refused');
  });

  it('the token echoed inside an HTML error page is redacted', async () => {
    const server = await serve((_, res) => {
      res.writeHead(403, { 'content-type': 'text/html' });
      res.end(`<html><body><p>Forbidden for <b>${token}</b></p></body></html>`);
    });
    const error = await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }));
    expect(error.message).toContain('Forbidden for [redacted]');
    expect(error.message).not.toContain(token);
  });

  it("a mock's reasons (sl-violations) that echo the token are redacted in the message and in violations, and cleaned", async () => {
    // As Prism would send them, plus the token JSON-escaped letter by letter and a bidirectional override.
    const escaped = [...token].map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    const violations = `[{"location":["request","header","authorization"],"severity":"Error","code":1,"message":"\\u202ebad ${token} or ${escaped}"}]`;
    const server = await echo({ message: 'rejected' }, 400, { 'sl-violations': violations });
    const error = (await failure(clientFor(server.url).accounts.get({ accountId: 'ACC1' }))) as TogaiApiError;
    expect(error.message).toContain('(the mock rejected the request: bad [redacted] or [redacted]; see error.violations)');
    expect(error.violations).toEqual([{ location: ['request', 'header', 'authorization'], severity: 'Error', code: 1, message: '\u202ebad [redacted] or [redacted]' }]);
    expect(JSON.stringify(error)).not.toContain(token);
  });

  it('a short token is redacted only where it stands alone, so other words survive', async () => {
    const server = await echo({ message: 'bad token abc123 in abc1234' }, 401);
    const client = createTogaiClient({ baseUrl: server.url, token: 'abc123', pathStyle: 'flat' });
    const error = await failure(client.accounts.get({ accountId: 'ACC1' }));
    expect(error.message).toContain('bad token [redacted] in abc1234');
  });
});

describe('a credential split by invisible characters is still redacted', () => {
  const secret = 'hardening-split-secret-0123456789abcdef';
  const cut = 20;
  const splits: Array<[string, string]> = [
    ['a zero-width space (U+200B)', '\u200b'],
    ['a zero-width joiner (U+200D)', '\u200d'],
    ['a soft hyphen (U+00AD)', '\u00ad'],
    ['a BOM (U+FEFF)', '\ufeff'],
    ['CR LF', '\r\n'],
    ['LF', '\n'],
    ['CR', '\r'],
    ['NUL', '\0'],
  ];
  /** The text with every separator above removed, raw or JSON-escaped: what a reader would put back together. */
  const rejoined = (text: string) =>
    text.replace(/\\(?:r|n|u0000|u200b|u200d|u00ad|ufeff)/gi, '').replace(/[\s\u200b\u200d\u00ad\ufeff\u0000]/g, '');

  const cases: Array<readonly [string, 'token' | 'apiKey', string]> = splits.flatMap(([name, separator]) =>
    (['token', 'apiKey'] as const).map(
      (kind) => [`${kind} split by ${name}`, kind, `${secret.slice(0, cut)}${separator}${secret.slice(cut)}`] as const,
    ),
  );
  cases.push(['token with U+200B between every character', 'token', [...secret].join('\u200b')]);
  cases.push([
    'apiKey with a soft hyphen and CR LF',
    'apiKey',
    `${secret.slice(0, 10)}\u00ad${secret.slice(10, 25)}\r\n${secret.slice(25)}`,
  ]);

  it.each(cases)('%s, echoed in the error body’s message', async (_, kind, echoed) => {
    const server = await serve((__, res) => sendJson(res, 401, { message: `credential ${echoed} is not valid` }));
    const client = createTogaiClient({ baseUrl: server.url, pathStyle: 'flat', maxRetries: 0, [kind]: secret });
    const error = await failure(client.accounts.get({ accountId: 'ACC1' }));
    expect(error).toBeInstanceOf(TogaiError);
    for (const [where, text] of [
      ['message', error.message],
      ['JSON.stringify(error)', JSON.stringify(error)],
    ] as const) {
      expect(text, where).not.toContain(secret);
      expect(text, where).not.toContain(echoed);
      expect(rejoined(text), `${where}, invisible characters removed`).not.toContain(secret);
    }
  });
});

describe('credential secrecy', () => {
  const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 16, maxLength: 32 });
  const suffix = fc.oneof(
    fc.constant(''),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.string({ unit: awkwardUnit, maxLength: 10 }),
  );
  const secret = fc.tuple(hex, suffix).map(([random, rest]) => `sk_${random}${rest}`);

  /** Everything a caller might log about an error. */
  function renderings(error: unknown): string[] {
    const e = error as Error;
    return [String(e.message), String(e.stack), JSON.stringify(e) ?? '', inspect(e, { depth: 8 })];
  }

  function expectHidden(secretValue: string, texts: string[]) {
    // Headers trim surrounding whitespace, so look for the part that would survive too.
    const needles = new Set([secretValue, secretValue.trim()].filter((needle) => needle.length >= 16));
    for (const text of texts) for (const needle of needles) expect(text).not.toContain(needle);
  }

  /** Calls that fail in every way a request can fail; each must throw a TogaiError. */
  async function failures(client: TogaiClient<'flat'>): Promise<unknown[]> {
    shared.answer = (url, res) => {
      if (url.startsWith('/accounts/unauthorized')) return sendJson(res, 401, { message: 'invalid credential' });
      if (url.startsWith('/accounts/garbled')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{"id":');
      }
      if (url.startsWith('/accounts/broken')) return sendJson(res, 500, { message: 'boom' });
      // anything else: never answer, so the call times out
    };
    const calls: Array<() => Promise<unknown>> = [
      () => client.accounts.get({ accountId: 'unauthorized' }),
      () => client.accounts.get({ accountId: 'garbled' }),
      () => client.accounts.get({ accountId: 'broken' }),
      () => client.accounts.get({ accountId: 'hang' }, { timeout: 25 }),
      () => client.accounts.get({ accountId: 'aborted' }, { signal: AbortSignal.abort(new Error('stop')) }),
      () => client.accounts.get({ accountId: '..' }), // throws synchronously
      () => client.api.GET('/accounts/{account_id}', { params: { path: { account_id: '' } } }),
    ];
    // One at a time: the hanging call must not hold a connection the others wait for.
    const errors: unknown[] = [];
    for (const call of calls) errors.push(await failure(Promise.resolve().then(call)));
    return errors;
  }

  it('never appears in thrown errors or in the printed client', async () => {
    await fc.assert(
      fc.asyncProperty(secret, fc.constantFrom('token', 'apiKey'), async (value, kind) => {
        const credential = kind === 'token' ? { token: value } : { apiKey: value };
        const insecure = () => createTogaiClient({ baseUrl: 'http://example.com', ...credential });
        expectHidden(value, renderings(await failure(Promise.resolve().then(insecure))));

        let client;
        try {
          client = createTogaiClient({ baseUrl: shared.server.url, pathStyle: 'flat', maxRetries: 0, ...credential });
        } catch (error) {
          // A credential that cannot travel in a header is refused up front, without repeating it.
          expect(error).toBeInstanceOf(TogaiConfigurationError);
          expectHidden(value, renderings(error));
          return;
        }
        expectHidden(value, [String(client), JSON.stringify(client), inspect(client, { depth: 8, showHidden: true })]);
        for (const error of await failures(client)) {
          expect(error).toBeInstanceOf(TogaiError);
          expectHidden(value, renderings(error));
        }
        // The credential did travel (minus the trailing blanks headers drop), so the errors above had it to leak.
        const sent = shared.server.requests.filter((r) => r.url === '/accounts/unauthorized').at(-1)!.headers;
        const expected = (kind === 'token' ? `Bearer ${value}` : value).replace(/[\t ]+$/, '');
        expect(kind === 'token' ? sent.authorization : sent['x-api-key']).toBe(expected);
      }),
      { numRuns },
    );
  });
});
