import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { UsageAggregator } from '../../../src/metrics/usage-aggregator.js';
import { UsageForwarder } from '../../../src/metrics/usage-forwarder.js';

const usage = (name: string, yes: number) => ({ name, yes, no: 0, variants: [] });

/** A forwarder whose uploads are recorded; `during` runs while the first upload is under way. */
function forwarder(aggregator: UsageAggregator, during: () => void) {
  const uploads: { toggles: Record<string, unknown> }[] = [];
  const post = async (path: string, body: object) => {
    if (path !== 'client/metrics') return 202;
    uploads.push((body as { bucket: { toggles: Record<string, unknown> } }).bucket);
    if (uploads.length === 1) during();
    return 202;
  };
  const settings = {
    aggregator,
    post,
    appName: 'proxy',
    instanceId: 'proxy-1',
    intervalMs: 60_000,
    jitterMs: 0,
    registration: {},
    logger: pino({ level: 'silent' }),
  };
  return { uploads, forwarder: new UsageForwarder(settings) };
}

describe('UsageForwarder', () => {
  it('sends counts that arrive during an upload with the next one, not right after', async () => {
    const aggregator = new UsageAggregator();
    aggregator.add([usage('first', 1)]);
    const { uploads, forwarder: sender } = forwarder(aggregator, () => {
      aggregator.add([usage('during', 2)]);
    });

    await sender.flush();
    expect(uploads.map((bucket) => Object.keys(bucket.toggles))).toEqual([['first']]);
    expect(aggregator.pendingEvaluations()).toBe(2);

    await sender.close();
    expect(uploads.map((bucket) => Object.keys(bucket.toggles))).toEqual([['first'], ['during']]);
    expect(aggregator.pendingEvaluations()).toBe(0);
  });

  it('drains a backlog of more flags than one upload takes in one round', async () => {
    const aggregator = new UsageAggregator();
    aggregator.add(Array.from({ length: 2_500 }, (_, i) => usage(`flag-${i}`, 1)));
    const { uploads, forwarder: sender } = forwarder(aggregator, () => {});

    await sender.flush();
    expect(uploads.map((bucket) => Object.keys(bucket.toggles).length)).toEqual([1000, 1000, 500]);
    expect(aggregator.pendingEvaluations()).toBe(0);
  });
});
