// Server text bound for an error message or a log line is cleaned first: escapes and controls removed, the client's
// secrets blotted out wherever the server echoed them, the result kept short (the parsed body is redacted too).

/** Replaces every occurrence of the client's secrets in a text. */
export type Redactor = (text: string) => string;

// What a server may slip between a secret's characters (controls, invisible formats, line separators).
const filler = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu;

// `text` with each form found in it (longest first) blotted out, also where fillers split it up. A plain search per
// form, so the cost grows with the text and the number of forms, not their length (a pattern did: seconds per token).
function redactForms(text: string, forms: readonly string[]): string {
  let plain = ''; // the text without fillers, and where each of its characters stands in the text
  const at: number[] = [];
  for (const { 0: run, index } of text.matchAll(/[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu)) {
    plain += run;
    for (let i = 0; i < run.length; i += 1) at.push(index + i);
  }
  const hidden = new Int32Array(text.length); // the number of the match that hides each character
  let matches = 0;
  for (const form of forms) {
    for (let i = plain.indexOf(form); i >= 0; i = plain.indexOf(form, i + 1)) {
      const [start, end] = [at[i]!, at[i + form.length - 1]! + 1];
      // A secret under 8 characters only as a whole word, so a short test token does not shred every message.
      if (form.length < 8 && /[\p{L}\p{N}]/u.test(`${text[start - 1] ?? ''}${text[end] ?? ''}`)) continue;
      if (!hidden.subarray(start, end).some(Boolean)) hidden.fill((matches += 1), start, end);
    }
  }
  let redacted = matches === 0 ? text : '';
  for (let i = 0; matches > 0 && i < text.length; i += 1) redacted += !hidden[i] ? text[i] : hidden[i] === hidden[i - 1] ? '' : '[redacted]';
  return redacted;
}

/** The secrets of a client: its credential, plus tokens it obtains later; one redactor for all of them. */
export type Secrets = ReturnType<typeof createSecrets>;

export function createSecrets(fixed: readonly string[]) {
  const issued: string[] = [];
  // Each secret also as a server may echo it, JSON-escaped or URL-encoded (when it is valid Unicode); without fillers.
  const echoes = (s: string) => [s, JSON.stringify(s).slice(1, -1), /\p{Cs}/u.test(s) ? '' : encodeURIComponent(s)].map((form) => form.replace(filler, ''));
  const formsOf = () => [...new Set([...fixed, ...issued].flatMap(echoes).filter(Boolean))].sort((a, b) => b.length - a.length);
  let forms = formsOf();
  return {
    redact: (text: string) => redactForms(text, forms),
    /** Adds a secret (a token the API issued); the oldest added ones are forgotten past 64. */
    add(secret: string): void {
      if (!secret || fixed.includes(secret) || issued.includes(secret)) return;
      if (issued.push(secret) > 64) issued.shift();
      forms = formsOf();
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

/** A copy of `headers` with every value redacted (each `set-cookie` stays its own entry). */
export const redactHeaders = (headers: Headers, redact: Redactor) => new Headers([...headers].map(([name, value]) => [name, redact(value)]));
