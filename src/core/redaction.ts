// Server text bound for an error message or a log line is cleaned first: escapes and controls removed, the client's
// secrets blotted out wherever the server echoed them, the result kept short (the parsed body is redacted too).

/** Replaces every occurrence of the client's secrets in a text. */
export type Redactor = (text: string) => string;

/** A pattern for `form` that still matches when a server slips controls or invisible formats between its characters. */
const splitTolerant = (form: string) =>
  [...form].map((char) => char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]*');

/** A redactor for `secrets`, also in the forms a server may echo them in: URL-encoded, JSON-escaped, split up. */
function createRedactor(secrets: Iterable<string>): Redactor {
  const forms = new Set<string>();
  for (const secret of secrets) {
    for (const form of [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) if (form) forms.add(form);
  }
  if (forms.size === 0) return (text) => text;
  // Longest first, so a form is not half-replaced by a shorter one; secrets under 8 characters only as whole words,
  // so a short test token does not shred every message.
  const alternatives = [...forms]
    .sort((a, b) => b.length - a.length)
    .map((form) => (form.length >= 8 ? splitTolerant(form) : `(?<![\\p{L}\\p{N}])${splitTolerant(form)}(?![\\p{L}\\p{N}])`));
  const pattern = new RegExp(alternatives.join('|'), 'gu');
  return (text) => text.replace(pattern, '[redacted]');
}

/** The secrets of a client: its credential, plus tokens it obtains later; one redactor for all of them. */
export type Secrets = ReturnType<typeof createSecrets>;

export function createSecrets(fixed: readonly string[]) {
  const issued: string[] = [];
  let redact = createRedactor(fixed);
  return {
    redact: (text: string) => redact(text),
    /** Adds a secret (a token the API issued); the oldest added ones are forgotten past 64. */
    add(secret: string): void {
      if (!secret || fixed.includes(secret) || issued.includes(secret)) return;
      issued.push(secret);
      if (issued.length > 64) issued.shift();
      redact = createRedactor([...fixed, ...issued]);
    },
  };
}

// ANSI/VT escape sequences (CSI, OSC, and two-character escapes), including the 8-bit CSI.
const escapeSequence = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]|\x9b[0-?]*[ -/]*[@-~]/g;
// Control characters, line and paragraph separators, and the bidirectional overrides that reorder a log line.
const invisible = /[\p{Cc}\p{Zl}\p{Zp}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+/gu;
// Zero-width and other format characters that show nothing.
const zeroWidth = /[\p{Cf}]+/gu;

/** Server text made fit for one line of an error message: no escapes or controls, no secrets, at most `maxLength`. */
export function cleanServerText(text: string, redact: Redactor, maxLength = 500): string {
  // Secrets go first, while the text is as the server sent it; the split-tolerant patterns see through fillers.
  const plain = redact(text.replace(escapeSequence, '')).replace(invisible, ' ').replace(zeroWidth, '').replace(/\s+/g, ' ').trim();
  const codePoints = [...plain];
  return codePoints.length > maxLength ? `${codePoints.slice(0, maxLength).join('')}…` : plain;
}

/** `value` with every string inside it redacted (keys too). */
export function redactDeep<T>(value: T, redact: Redactor, depth = 0): T {
  if (typeof value === 'string') return redact(value) as T;
  if (typeof value !== 'object' || value === null || depth > 32) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item, redact, depth + 1)) as T;
  // fromEntries defines keys as data properties, so a "__proto__" key in a body stays a plain key.
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [redact(key), redactDeep(item, redact, depth + 1)])) as T;
}

/** A copy of `headers` with every value redacted; the same object when none contained a secret. */
export function redactHeaders(headers: Headers, redact: Redactor): Headers {
  let copy: Headers | undefined;
  headers.forEach((value, name) => {
    const redacted = redact(value);
    if (redacted === value) return;
    copy ??= new Headers(headers);
    copy.set(name, redacted);
  });
  return copy ?? headers;
}
