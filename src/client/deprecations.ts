// Deprecation warnings: once per client and operation, for operations the spec marks `deprecated`, and for
// any response that announces its own retirement with `Deprecation` or `Sunset` headers.
import { callQuietly } from '../core/logging.js';
import { cleanServerText, type Redactor } from '../core/redaction.js';
import type { OperationMetadata } from './operations.js';

export interface DeprecationNotice {
  /** Stable code, e.g. `TOGAI_DEPRECATED_getPurchase` or `TOGAI_DEPRECATION_HEADER`. */
  code: string;
  message: string;
  /** `spec` when the operation is marked deprecated in the spec; `header` when the server said so. */
  source: 'spec' | 'header';
  method: string;
  path: string;
  operationId: string | undefined;
  /** Value of the `Sunset` header, when the server sent one. */
  sunset: string | undefined;
}

export interface DeprecationOptions {
  /** Receive deprecation notices yourself instead of the default warning. */
  onDeprecation?: ((notice: DeprecationNotice) => void) | undefined;
  /** Drop deprecation notices altogether. */
  silenceDeprecations?: boolean | undefined;
}

const emitDefault = ({ message, code }: DeprecationNotice) =>
  typeof process === 'object' && typeof process.emitWarning === 'function'
    ? process.emitWarning(message, { type: 'DeprecationWarning', code })
    : console.warn(`[${code}] ${message}`);

export type DeprecationReporter = ReturnType<typeof createDeprecationReporter>;

/** `seen` is shared by clients derived with `withOptions`, so each notice still appears once; `redact` cleans server text. */
export function createDeprecationReporter(options: DeprecationOptions, seen: Set<string>, redact: Redactor) {
  const deliver = options.silenceDeprecations ? undefined : (options.onDeprecation ?? emitDefault);
  function once(key: string, notice: () => DeprecationNotice): void {
    if (!deliver || seen.has(key)) return;
    seen.add(key);
    callQuietly(() => deliver(notice())); // a handler that throws does not fail a call the server may have applied
  }
  return {
    /** Called before an operation is sent. */
    operationCalled({ deprecated, operationId, method, path, successor }: OperationMetadata): void {
      if (!deprecated) return;
      const instead = successor ? `; use ${successor}() instead` : '';
      once(operationId, () => ({
        code: `TOGAI_DEPRECATED_${operationId}`,
        message: `Togai operation ${operationId} (${method} ${path}) is deprecated and may be removed${instead}.`,
        source: 'spec',
        method,
        path,
        operationId,
        sunset: undefined,
      }));
    },
    /** Called with every response; warns when it carries `Deprecation` or `Sunset`. */
    responseReceived(response: Response, method: string, path: string, operation: OperationMetadata | undefined): void {
      // The server's words, as any server text: one clean line without the client's secrets.
      const [deprecation, sunset] = ['deprecation', 'sunset'].map((name) => response.headers.get(name) ?? undefined).map((v) => v && cleanServerText(v, redact, 100));
      if (deprecation === undefined && sunset === undefined) return;
      const since = deprecation && deprecation !== 'true' ? ` (since ${deprecation})` : '';
      const until = sunset ? `; it will stop working after ${sunset}` : '';
      once(`header ${method} ${path}`, () => ({
        code: 'TOGAI_DEPRECATION_HEADER',
        message: `The Togai API marked ${method} ${path} as deprecated${since}${until}.`,
        source: 'header',
        method,
        path,
        operationId: operation?.operationId,
        sunset,
      }));
    },
  };
}
