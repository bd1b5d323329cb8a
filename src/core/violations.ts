// Prism, the validating mock behind `npm run mock`, rejects a request that breaks the spec with a 4xx whose body is
// only an example from the spec; the real reasons travel in its `sl-violations` header. API errors carry them.

/** One reason a validating mock (Prism) gave for rejecting a request, from its `sl-violations` header. */
export interface RequestViolation {
  /** Where in the request, e.g. `['request', 'body']` or `['request', 'query', 'pagesize']`. */
  location: string[];
  severity: string;
  code: string | number;
  message: string;
}

/** The parsed `sl-violations` header: undefined when there is none or it cannot be read. Never throws. */
export function parseViolations(headers: Headers): RequestViolation[] | undefined {
  const raw = headers.get('sl-violations');
  if (!raw) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    const violations = Array.isArray(parsed)
      ? parsed.filter((v): v is RequestViolation => typeof (v as RequestViolation | null)?.message === 'string')
      : [];
    return violations.length > 0 ? violations : undefined;
  } catch {
    return undefined;
  }
}

/** A brief mention for an error message: the first violation (one line, at most 200 characters) and a count of the others. */
export function describeViolations([first, ...others]: RequestViolation[]): string {
  const line = first!.message.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  const brief = line.length > 200 ? `${line.slice(0, 200)}…` : line;
  const more = others.length > 0 ? ` (+${others.length} more)` : '';
  return `the mock rejected the request: ${brief}${more}; see error.violations`;
}
