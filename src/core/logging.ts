// What the client tells an operator: one line per attempt at `debug` (with the retry decision and its reason),
// one per call at `info`, retries at `warn`, calls that finally failed for want of a server at `error`. Lines
// carry methods, paths, statuses and timings: never a credential, a token, a header value or a body.
import { fromEnvironment } from './checks.js';
import { TogaiConfigurationError } from './errors.js';

export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';

/** Anything with these four methods, such as `console` or a pino/winston logger. */
export interface Logger {
  error(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  debug(message: string, ...details: unknown[]): void;
}

const logLevels: readonly LogLevel[] = ['off', 'error', 'warn', 'info', 'debug'];

/** Where the client's lines go; a level below the configured one costs one comparison. */
export type Log = ReturnType<typeof createLog>;
type Level = Exclude<LogLevel, 'off'>;

/** Calls the caller's callback (a logger, a deprecation handler): neither its throw nor its rejection breaks the call. */
export function callQuietly(callback: () => unknown): void {
  try {
    void Promise.resolve(callback()).catch(() => undefined);
  } catch {
    // A broken callback must not break the call it reports on.
  }
}

/** The client's log: `logLevel` (default TOGAI_LOG, else off) into `logger` (default console), both checked. */
export function createLog(options: { logLevel?: LogLevel | undefined; logger?: Logger | undefined }) {
  // A deployment's TOGAI_LOG=DEBUG means debug; an option is a typed value and is taken as given.
  const level = options.logLevel ?? fromEnvironment('TOGAI_LOG')?.trim().toLowerCase() ?? 'off';
  const threshold = logLevels.indexOf(level as LogLevel);
  if (threshold < 0) {
    const shown = JSON.stringify(String(level)).slice(0, 40);
    throw new TogaiConfigurationError(`logLevel (or TOGAI_LOG) must be one of ${logLevels.join(', ')}, got ${shown}.`);
  }
  const logger = options.logger ?? console;
  let usable: boolean;
  try {
    usable = logLevels.slice(1).every((name) => typeof (logger as unknown as Record<string, unknown>)[name] === 'function');
  } catch {
    usable = false; // a Proxy or a getter that throws is no logger either
  }
  if (!usable) throw new TogaiConfigurationError('logger must have error, warn, info and debug methods.');
  const at = (wanted: Level) => logLevels.indexOf(wanted) <= threshold;
  return {
    at,
    write(wanted: Level, message: string, details: Record<string, unknown>): void {
      if (at(wanted)) callQuietly(() => logger[wanted](`togai: ${message}`, details));
    },
  };
}
