import type { ToggleUsage } from './usage-payload.js';

/**
 * How many distinct counters (flag names plus variant names) may wait for upload. Anyone with
 * a client key can post made-up names; without a bound, a long upstream outage would let them
 * grow memory and the next upload without end. Far above any real flag set.
 */
export const MAX_PENDING_COUNTERS = 20_000;

interface FlagCounts {
  yes: number;
  no: number;
  variants: Map<string, number>;
}

/** Counts taken out for one upload, in the bucket format of Unleash's client metrics API. */
export interface UsageBucket {
  readonly start: Date;
  readonly stop: Date;
  readonly toggles: Record<string, { yes: number; no: number; variants: Record<string, number> }>;
  /** yes + no over all flags: the number of evaluations the bucket reports. */
  readonly evaluations: number;
}

export interface AddResult {
  /** Evaluations (yes + no) now pending upload. */
  readonly accepted: number;
  /** Evaluations left out because MAX_PENDING_COUNTERS was reached. */
  readonly dropped: number;
}

/** Adds at most up to Number.MAX_SAFE_INTEGER, so that totals stay exact integers. */
function saturatingAdd(a: number, b: number): number {
  return Math.min(a + b, Number.MAX_SAFE_INTEGER);
}

/**
 * The counts received and not yet uploaded. Each report is added with one addition per
 * counter, whatever the counts are. An upload takes everything out at once; a failed upload
 * puts its counts back, merged with what arrived meanwhile, so each count is sent once.
 */
export class UsageAggregator {
  private flags = new Map<string, FlagCounts>();
  private counters = 0;
  private start: Date | undefined;
  private pending = 0;

  constructor(private readonly maxCounters = MAX_PENDING_COUNTERS) {}

  /** Evaluations (yes + no) waiting for upload. */
  pendingEvaluations(): number {
    return this.pending;
  }

  add(toggles: readonly ToggleUsage[]): AddResult {
    let accepted = 0;
    let dropped = 0;
    for (const toggle of toggles) {
      const evaluations = toggle.yes + toggle.no;
      const counts = this.countsFor(toggle.name);
      if (counts === undefined) {
        dropped += evaluations;
        continue;
      }
      counts.yes = saturatingAdd(counts.yes, toggle.yes);
      counts.no = saturatingAdd(counts.no, toggle.no);
      for (const [variant, value] of toggle.variants) {
        const current = counts.variants.get(variant);
        if (current !== undefined) {
          counts.variants.set(variant, saturatingAdd(current, value));
        } else if (this.counters < this.maxCounters) {
          this.counters += 1;
          counts.variants.set(variant, value);
        }
      }
      accepted += evaluations;
    }
    if (accepted > 0) this.start ??= new Date();
    this.pending = saturatingAdd(this.pending, accepted);
    return { accepted, dropped };
  }

  /**
   * Takes pending counts out for an upload, at most `maxFlags` flags (so that one upload stays
   * a reasonable size after a long outage); undefined when there is nothing to send.
   */
  take(maxFlags = Number.POSITIVE_INFINITY, now = new Date()): UsageBucket | undefined {
    if (this.flags.size === 0) return undefined;
    // No prototype: a flag named __proto__ must stay a plain key.
    const toggles = Object.create(null) as UsageBucket['toggles'];
    let evaluations = 0;
    let taken = 0;
    for (const [name, counts] of this.flags) {
      if (taken >= maxFlags) break;
      taken += 1;
      toggles[name] = {
        yes: counts.yes,
        no: counts.no,
        variants: Object.fromEntries(counts.variants),
      };
      evaluations = saturatingAdd(evaluations, counts.yes + counts.no);
      this.flags.delete(name);
      this.counters -= 1 + counts.variants.size;
    }
    const bucket: UsageBucket = { start: this.start ?? now, stop: now, toggles, evaluations };
    this.pending = Math.max(0, this.pending - evaluations);
    if (this.flags.size === 0) {
      this.start = undefined;
      this.pending = 0;
    }
    return bucket;
  }

  /**
   * Puts back the counts of an upload that did not reach Unleash. The bound on counters does
   * not apply: these were accepted before and must not be lost.
   */
  restore(bucket: UsageBucket): void {
    for (const [name, counts] of Object.entries(bucket.toggles)) {
      const target = this.countsFor(name, true) as FlagCounts;
      target.yes = saturatingAdd(target.yes, counts.yes);
      target.no = saturatingAdd(target.no, counts.no);
      for (const [variant, value] of Object.entries(counts.variants)) {
        const current = target.variants.get(variant);
        if (current === undefined) this.counters += 1;
        target.variants.set(variant, saturatingAdd(current ?? 0, value));
      }
    }
    if (this.start === undefined || bucket.start < this.start) this.start = bucket.start;
    this.pending = saturatingAdd(this.pending, bucket.evaluations);
  }

  private countsFor(name: string, force = false): FlagCounts | undefined {
    const existing = this.flags.get(name);
    if (existing !== undefined) return existing;
    if (!force && this.counters >= this.maxCounters) return undefined;
    const created: FlagCounts = { yes: 0, no: 0, variants: new Map() };
    this.flags.set(name, created);
    this.counters += 1;
    return created;
  }
}
