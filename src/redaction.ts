// Server text that ends up in an error message (an error body's message, a status text, a Location) is
// cleaned first: escape sequences and control characters removed, the client's credential blotted out wherever
// the server echoed it, and the result kept short. The parsed body stays on the error for anyone who needs it.

/** Replaces every occurrence of the client's secrets in a text. */
export type Redactor = (text: string) => string;

export const noRedaction: Redactor = (text) => text;

const redactedMark = '[redacted]';

/** Shorter secrets are blotted out only as whole words, so a short test token does not shred every message. */
const minSubstringSecret = 8;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A redactor for `secrets`, also in the forms a server may echo them in: URL-encoded and JSON-escaped. */
export function createRedactor(secrets: readonly string[]): Redactor {
  const forms = new Set<string>();
  for (const secret of secrets) {
    for (const form of [secret, secret.trim(), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) {
      if (form) forms.add(form);
    }
  }
  if (forms.size === 0) return noRedaction;
  const alternatives = [...forms]
    .sort((a, b) => b.length - a.length) // longest first, so a form is not half-replaced by a shorter one
    .map((form) =>
      form.length >= minSubstringSecret ? escapeRegExp(form) : `(?<![A-Za-z0-9])${escapeRegExp(form)}(?![A-Za-z0-9])`,
    );
  const pattern = new RegExp(alternatives.join('|'), 'g');
  return (text) => text.replace(pattern, redactedMark);
}

// ANSI/VT escape sequences (CSI, OSC, and two-character escapes), including the 8-bit CSI.
const escapeSequence = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]|\x9b[0-?]*[ -/]*[@-~]/g;
// Control characters, line and paragraph separators, and the bidirectional overrides that reorder a log line.
const invisible = /[\p{Cc}\p{Zl}\p{Zp}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+/gu;

/** Longest piece of server text an error message repeats. */
export const maxServerTextLength = 500;

/** Server text made fit for one line of an error message: no escapes or controls, no secrets, not too long. */
export function cleanServerText(text: string, redact: Redactor, maxLength = maxServerTextLength): string {
  // Controls go first: a secret split by an escape sequence must be whole again before it is looked for.
  const plain = text.replace(escapeSequence, '').replace(invisible, ' ').replace(/\s+/g, ' ').trim();
  const redacted = redact(plain);
  const codePoints = [...redacted];
  return codePoints.length > maxLength ? `${codePoints.slice(0, maxLength).join('')}…` : redacted;
}

/** `value` with every string inside it redacted; the same value when nothing needed it. */
export function redactDeep<T>(value: T, redact: Redactor, depth = 0): T {
  if (redact === noRedaction) return value;
  if (typeof value === 'string') return redact(value) as T;
  if (typeof value !== 'object' || value === null || depth > 32) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item, redact, depth + 1)) as T;
  // fromEntries defines keys as data properties, so a "__proto__" key in a body stays a plain key.
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [redact(key), redactDeep(item, redact, depth + 1)]),
  ) as T;
}

/** A copy of `headers` with every value redacted; the same object when none contained a secret. */
export function redactHeaders(headers: Headers, redact: Redactor): Headers {
  if (redact === noRedaction) return headers;
  let copy: Headers | undefined;
  headers.forEach((value, name) => {
    const redacted = redact(value);
    if (redacted === value) return;
    copy ??= new Headers(headers);
    copy.set(name, redacted);
  });
  return copy ?? headers;
}

// The transport registers, for each response it hands back, how to redact text from it; errors built from
// that response later (the facade's API errors) find it here, without the credential ever leaving the client.
const redactors = new WeakMap<Headers, Redactor>();

export function rememberRedactor(headers: Headers, redact: Redactor): void {
  if (redact !== noRedaction) redactors.set(headers, redact);
}

export function redactorFor(headers: Headers): Redactor {
  return redactors.get(headers) ?? noRedaction;
}
