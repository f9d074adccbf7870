import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RequestDurations } from '../../../src/metrics/request-durations.js';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

describe('RequestDurations', () => {
  it("exposes what prom-client's Histogram exposes for the same observations, text and JSON", async () => {
    const reference = new Registry();
    const ours = new Registry();
    const histogram = new Histogram({
      name: 'unleash_proxy_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method and route template.',
      labelNames: ['method', 'route'],
      buckets: BUCKETS,
      registers: [reference],
    });
    const durations = new RequestDurations([ours]);
    const observations: [string, string, number][] = [
      ['GET', '/z', 0.01],
      ['PUT', '/proxy', 0.2],
      ['GET', '/proxy', 0.0001],
      ['GET', '/proxy', 0.0007],
      ['POST', '/proxy', 0.3],
      ['GET', 'unmatched', 5],
      ['GET', '/proxy', 0.001],
      ['GET', '/a"b\\n', 2.5],
    ];
    for (const [method, route, seconds] of observations) {
      histogram.observe({ method, route }, seconds);
      durations.record(method, route, seconds);
    }
    expect(await ours.metrics()).toBe(await reference.metrics());
    expect(await ours.getMetricsAsJSON()).toEqual(await reference.getMetricsAsJSON());
  });

  it('has no series before the first request, as an unobserved labelled Histogram', async () => {
    const ours = new Registry();
    new RequestDurations([ours]);
    expect(await ours.metrics()).toBe(
      '# HELP unleash_proxy_http_request_duration_seconds Time to answer an HTTP request, by method and route template.\n# TYPE unleash_proxy_http_request_duration_seconds histogram\n',
    );
  });
});
