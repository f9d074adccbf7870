/** Thrown before a fetch the backoff holds back: the fetch is skipped, the SDK polls again. */
export class FetchHeldBackError extends Error {
  constructor() {
    super('fetch held back after upstream failures');
    this.name = 'FetchHeldBackError';
  }
}

/** The longest wait between fetches, in refresh intervals, while Unleash is failing. */
const MAX_INTERVALS = 3;

/**
 * Backoff for the failures unleash-client does not back off from by itself: unreachable or
 * slow Unleash, malformed or refused payloads, 401/403. The wait grows by one refresh
 * interval per failure up to three, so a struggling Unleash sees fewer requests and a
 * recovered one is noticed within three intervals. (The SDK backs off from 429 and 5xx on
 * its own, by up to ten extra intervals.)
 */
export class FetchBackoff {
  private failures = 0;
  private notBefore = 0;

  constructor(private readonly intervalMs: number) {}

  /** Records a failure; returns how long until the next fetch may go. */
  failed(now = Date.now()): number {
    this.failures = Math.min(this.failures + 1, MAX_INTERVALS - 1);
    const delay = this.intervalMs * (this.failures + 1);
    this.notBefore = now + delay;
    return delay;
  }

  succeeded(): void {
    this.failures = 0;
    this.notBefore = 0;
  }

  /** Throws FetchHeldBackError while a failure's wait lasts (with a little timer slack). */
  check(now = Date.now()): void {
    if (now + 20 < this.notBefore) throw new FetchHeldBackError();
  }
}
