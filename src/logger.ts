import { Writable } from 'node:stream';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogMethod, OriginalLogger } from './config/programmatic-options.js';

export type { Logger };

export interface LoggerSettings {
  level: string;
  json: boolean;
  /** Where lines go; stdout by default. Tests pass a stream of their own. */
  destination?: DestinationStream;
  /**
   * The original proxy's `logger` option: every line (debug and up, redacted) is handed to it
   * as `logger.info(message, fields)`, and it decides what to keep, as the original let it.
   */
  forwardTo?: OriginalLogger;
}

/** Anything under these paths is replaced before a line is written. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'clientKey',
  'token',
  'apiToken',
  '*.token',
  '*.apiToken',
];

const LEVEL_NAMES: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Turns pino's JSON lines into `time LEVEL message key=value` for people reading a terminal. */
function plainTextStream(target: DestinationStream): DestinationStream {
  const writable = new Writable({
    write(chunk: Buffer, _encoding, done) {
      try {
        const {
          time,
          level,
          msg,
          pid: _pid,
          hostname: _host,
          ...rest
        } = JSON.parse(chunk.toString('utf8')) as Record<string, unknown>;
        const fields = Object.entries(rest)
          .map(
            ([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
          )
          .join(' ');
        const when = new Date(typeof time === 'number' ? time : Date.now()).toISOString();
        const name = LEVEL_NAMES[typeof level === 'number' ? level : 30] ?? 'INFO';
        target.write(`${when} ${name} ${String(msg ?? '')}${fields ? ` ${fields}` : ''}\n`);
      } catch {
        target.write(chunk.toString('utf8'));
      }
      done();
    },
  });
  return writable;
}

/** Hands each line to a logger of the original proxy's kind: `logger.warn(message, fields)`. */
function forwardingStream(target: OriginalLogger): DestinationStream {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      try {
        const {
          time: _time,
          level,
          msg,
          pid: _pid,
          hostname: _host,
          ...fields
        } = JSON.parse(chunk.toString('utf8')) as Record<string, unknown>;
        const method = forwardMethod(typeof level === 'number' ? level : 30);
        target[method](String(msg ?? ''), fields);
      } catch {
        target.error(chunk.toString('utf8'));
      }
      done();
    },
  });
}

function forwardMethod(level: number): LogMethod {
  if (level >= 60) return 'fatal';
  if (level >= 50) return 'error';
  if (level >= 40) return 'warn';
  if (level >= 30) return 'info';
  return 'debug';
}

export function createLogger(settings: LoggerSettings): Logger {
  const redact = { paths: REDACTED_PATHS, censor: '[redacted]' };
  if (settings.forwardTo !== undefined) {
    return pino({ level: 'debug', redact, base: null }, forwardingStream(settings.forwardTo));
  }
  const target = settings.destination ?? pino.destination({ dest: 1, sync: false });
  const options = { level: settings.level, redact };
  return settings.json
    ? pino(options, target)
    : pino({ ...options, base: null }, plainTextStream(target));
}

/**
 * An error as one short line for the log, under the field `error`, for every error the proxy
 * logs while serving (unleash-client, Redis, token validation, custom strategies and enrichers,
 * location databases). Their stacks are kilobytes that say nothing an operator can act on; the
 * class, message, cause and code do.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return firstLine(String(error));
  const code = (error as NodeJS.ErrnoException).code;
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  // A subclass that does not set `name` still says which class it is.
  const name = error.name === 'Error' ? error.constructor.name : error.name;
  return firstLine(`${name}: ${error.message}${cause}${code ? ` (${code})` : ''}`);
}

function firstLine(text: string): string {
  return (text.split('\n', 1)[0] ?? '').slice(0, 300);
}
