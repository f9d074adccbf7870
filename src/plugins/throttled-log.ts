import type { Logger } from '../logger.js';

export interface ThrottledLogSettings {
  logger: Logger;
  /** At most one line per key in this many milliseconds. */
  intervalMs?: number;
  /** The clock; tests pass their own. */
  now?: () => number;
}

/**
 * Logs a failure that may repeat on every request (a throwing strategy or enricher) at most
 * once per key and interval, with the number of repeats left out since the previous line.
 */
export type ThrottledLog = (key: string, fields: Record<string, unknown>, message: string) => void;

export function throttledLog({
  logger,
  intervalMs = 60_000,
  now = Date.now,
}: ThrottledLogSettings): ThrottledLog {
  const lastLogged = new Map<string, number>();
  const suppressed = new Map<string, number>();
  return (key, fields, message) => {
    const time = now();
    const last = lastLogged.get(key);
    if (last !== undefined && time - last < intervalMs) {
      suppressed.set(key, (suppressed.get(key) ?? 0) + 1);
      return;
    }
    lastLogged.set(key, time);
    const repeats = suppressed.get(key) ?? 0;
    suppressed.delete(key);
    logger.error({ ...fields, ...(repeats > 0 ? { suppressedRepeats: repeats } : {}) }, message);
  };
}
