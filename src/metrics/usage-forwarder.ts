import { describeError, type Logger } from '../logger.js';
import { sdkPlatformFields, type UnleashPoster } from '../unleash/upstream-post.js';
import type { UsageAggregator, UsageBucket } from './usage-aggregator.js';

/** Flags per upload: keeps one POST small even when an outage has let many flags pile up. */
const MAX_FLAGS_PER_UPLOAD = 1_000;
/** After consecutive failures the wait grows to at most this many intervals. */
const MAX_BACKOFF_INTERVALS = 10;

export interface UsageForwarderSettings {
  aggregator: UsageAggregator;
  post: UnleashPoster;
  appName: string;
  instanceId: string;
  intervalMs: number;
  jitterMs: number;
  /** Sent with the registration: sdkVersion, strategies, platform (see upstream-post.ts). */
  registration: Record<string, unknown>;
  logger: Logger;
  /** Told how many evaluations each upload delivered or had to give up. */
  onForwarded?: (evaluations: number) => void;
  onDropped?: (evaluations: number) => void;
}

/** Statuses that say the payload itself is unacceptable: sending it again cannot succeed. */
function isPermanentRejection(status: number): boolean {
  return status === 400 || status === 413 || status === 422;
}

/**
 * Uploads the aggregated usage counts to Unleash's /client/metrics every interval (plus a
 * random jitter), one upload at a time. An upload that fails (network error, 5xx, 401, 429,
 * ...) is put back into the aggregator, merged with newer counts, and sent with the next one:
 * each count reaches Unleash once. The one case this cannot rule out is a request that Unleash
 * processed but whose answer never arrived (a timeout): it is sent again, as with any SDK.
 */
export class UsageForwarder {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private failures = 0;
  private closed = false;
  private readonly started = new Date();

  constructor(private readonly settings: UsageForwarderSettings) {}

  /** Registers the proxy with Unleash (best effort) and starts the upload timer. */
  start(): void {
    if (this.settings.intervalMs <= 0) return;
    void this.register();
    this.schedule();
  }

  /** Uploads what is pending now; waits for an upload already under way instead of racing it. */
  flush(): Promise<void> {
    this.inFlight ??= this.uploadAll(this.closed).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Stops the timer and uploads what is pending, once, before the process exits. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    await this.inFlight;
    if (this.settings.intervalMs > 0) await this.flush();
    const left = this.settings.aggregator.pendingEvaluations();
    if (left > 0) {
      this.settings.logger.error(
        { evaluations: left },
        'usage counts could not be sent to Unleash before shutdown',
      );
    }
  }

  private schedule(): void {
    if (this.closed) return;
    const { intervalMs, jitterMs } = this.settings;
    const backoff = Math.min(1 + this.failures, MAX_BACKOFF_INTERVALS);
    const delay = intervalMs * backoff + Math.floor(Math.random() * (jitterMs + 1));
    this.timer = setTimeout(() => {
      void this.flush().finally(() => this.schedule());
    }, delay);
    // The timer alone must not keep the process alive; close() flushes on the way out.
    this.timer.unref();
  }

  /**
   * Uploads in buckets of MAX_FLAGS_PER_UPLOAD flags. On the timer, a bucket with room left
   * took everything pending, so the round ends there: counts that arrived during the upload
   * wait for the next interval instead of starting another upload at once (under steady
   * traffic that would upload back to back, whatever UNLEASH_METRICS_INTERVAL says). On
   * close, everything goes.
   */
  private async uploadAll(untilEmpty: boolean): Promise<void> {
    const { aggregator } = this.settings;
    for (;;) {
      const bucket = aggregator.take(MAX_FLAGS_PER_UPLOAD);
      if (bucket === undefined) return;
      const delivered = await this.upload(bucket);
      if (!delivered) return;
      const backlog = Object.keys(bucket.toggles).length >= MAX_FLAGS_PER_UPLOAD;
      if (!untilEmpty && !backlog) return;
    }
  }

  /** Sends one bucket; true when Unleash has it or it was given up, false when put back. */
  private async upload(bucket: UsageBucket): Promise<boolean> {
    const { aggregator, appName, instanceId, logger } = this.settings;
    const payload = {
      appName,
      instanceId,
      bucket: { start: bucket.start, stop: bucket.stop, toggles: bucket.toggles },
      ...sdkPlatformFields(),
    };
    let status: number;
    try {
      status = await this.settings.post('client/metrics', payload);
    } catch (error) {
      aggregator.restore(bucket);
      this.failures += 1;
      logger.warn(
        { error: describeError(error) },
        'usage counts not sent to Unleash; kept for the next upload',
      );
      return false;
    }
    if (status >= 200 && status < 300) {
      this.failures = Math.max(0, this.failures - 1);
      this.settings.onForwarded?.(bucket.evaluations);
      return true;
    }
    if (isPermanentRejection(status)) {
      logger.error(
        { status, evaluations: bucket.evaluations },
        'Unleash refused the usage counts; they are dropped',
      );
      this.settings.onDropped?.(bucket.evaluations);
      return true;
    }
    aggregator.restore(bucket);
    this.failures += 1;
    logger.warn({ status }, 'usage counts not accepted by Unleash; kept for the next upload');
    return false;
  }

  private async register(): Promise<void> {
    const { appName, instanceId, intervalMs, logger } = this.settings;
    try {
      const status = await this.settings.post('client/register', {
        ...this.settings.registration,
        appName,
        instanceId,
        started: this.started,
        interval: intervalMs,
      });
      if (status >= 300) logger.warn({ status }, 'Unleash did not accept the registration');
    } catch (error) {
      logger.warn({ error: describeError(error) }, 'could not register with Unleash');
    }
  }
}
