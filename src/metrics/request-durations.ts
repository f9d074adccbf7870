import { Histogram, type Registry } from 'prom-client';

type Label = 'method' | 'route';

const NAME = 'unleash_proxy_http_request_duration_seconds';
const HELP = 'Time to answer an HTTP request, by method and route template.';
const BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

/** One method and route: requests per bucket (not cumulative), their sum and count. */
interface Series {
  readonly labels: Readonly<Record<Label, string>>;
  readonly buckets: number[];
  sum: number;
  count: number;
}

/** A value as prom-client's registry writes it: `le` in `labels`, the series' in `sharedLabels`. */
interface ExportedValue {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly sharedLabels: Readonly<Record<Label, string>>;
  readonly value: number;
  readonly metricName: string;
  /** prom-client's Histogram gives null on buckets (no exemplars), undefined on sum and count. */
  readonly exemplar: null | undefined;
}

/**
 * Request durations by method and route template, as prom-client's Histogram exposes them,
 * counted here: its `observe` validates and hashes the labels on every call, a measurable part
 * of a 304, where this finds the series with two Map lookups. prom-client's registry reads the
 * values at scrape time (`getForPromString`, `get`), in the shape its Histogram gives them, so
 * the exposition is the same text.
 */
export class RequestDurations extends Histogram<Label> {
  /** Route template -> method -> series. Bounded: routes are templates, methods the router's. */
  private readonly byRoute = new Map<string, Map<string, Series>>();
  /** The same series, in the order they first appeared, as prom-client lists them. */
  private readonly inOrder: Series[] = [];

  constructor(registers: Registry[]) {
    super({
      name: NAME,
      help: HELP,
      labelNames: ['method', 'route'],
      buckets: [...BUCKETS],
      registers,
    });
  }

  /** One answered request. */
  record(method: string, route: string, seconds: number): void {
    let byMethod = this.byRoute.get(route);
    if (byMethod === undefined) {
      byMethod = new Map();
      this.byRoute.set(route, byMethod);
    }
    let series = byMethod.get(method);
    if (series === undefined) {
      series = { labels: { method, route }, buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
      byMethod.set(method, series);
      this.inOrder.push(series);
    }
    series.sum += seconds;
    series.count += 1;
    for (let index = 0; index < BUCKETS.length; index += 1) {
      if (seconds <= (BUCKETS[index] as number)) {
        (series.buckets[index] as number) += 1;
        break;
      }
    }
  }

  /**
   * What prom-client reads: its registry writes this as text (it prefers it to `get`, as for
   * its own Histogram), and Histogram#get merges each value's `sharedLabels` into its labels.
   * Replaces the base's, which would read the base's own (empty) series.
   */
  async getForPromString() {
    return {
      name: NAME,
      help: HELP,
      type: 'histogram',
      aggregator: 'sum',
      values: this.exported(),
    };
  }

  override reset(): void {
    // The base constructor calls this before the fields above exist.
    this.byRoute?.clear();
    this.inOrder?.splice(0);
  }

  /** Cumulative buckets, +Inf, sum and count per series, in the order the series appeared. */
  private exported(): ExportedValue[] {
    const values: ExportedValue[] = [];
    const bucket = `${NAME}_bucket`;
    for (const { labels, buckets, sum, count } of this.inOrder) {
      const sharedLabels = labels;
      let cumulative = 0;
      BUCKETS.forEach((le, index) => {
        cumulative += buckets[index] as number;
        values.push({
          labels: { le },
          sharedLabels,
          value: cumulative,
          metricName: bucket,
          exemplar: null,
        });
      });
      values.push({
        labels: { le: '+Inf' },
        sharedLabels,
        value: count,
        metricName: bucket,
        exemplar: null,
      });
      values.push({
        labels: {},
        sharedLabels,
        value: sum,
        metricName: `${NAME}_sum`,
        exemplar: undefined,
      });
      values.push({
        labels: {},
        sharedLabels,
        value: count,
        metricName: `${NAME}_count`,
        exemplar: undefined,
      });
    }
    return values;
  }
}
