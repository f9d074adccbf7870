import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { guardStrategy } from '../../../src/plugins/guard-strategy.js';
import { throttledLog } from '../../../src/plugins/throttled-log.js';
import { type Constraint, Strategy } from '../../../src/unleash/types.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  let time = 0;
  const log = throttledLog({
    logger: createLogger({ level: 'info', json: true, destination }),
    now: () => time,
  });
  return { lines, log, advance: (ms: number) => (time += ms) };
}

class Throwing extends Strategy {
  constructor() {
    super('throwing');
  }
  override isEnabled(): boolean {
    throw new Error('boom');
  }
}

const noConstraints = () => [][Symbol.iterator]();
const evaluate = (strategy: Strategy, parameters: Record<string, unknown> = {}) =>
  strategy.getResult(parameters, { properties: {} }, noConstraints()).enabled;

describe('guarding a custom strategy', () => {
  it('counts a throwing strategy as not enabled and keeps its identity', () => {
    const { log } = capture();
    const guarded = guardStrategy(new Throwing(), log);
    expect(evaluate(guarded)).toBe(false);
    expect(guarded).toBeInstanceOf(Throwing);
    expect(guarded.name).toBe('throwing');
  });

  it('logs a repeating failure at most once a minute, with the number of repeats left out', async () => {
    const { lines, log, advance } = capture();
    const guarded = guardStrategy(new Throwing(), log);
    for (let request = 0; request < 50; request += 1) evaluate(guarded);
    advance(59_999);
    evaluate(guarded);
    advance(1);
    evaluate(guarded);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((line) => [line.strategy, line.suppressedRepeats])).toEqual([
      ['throwing', undefined],
      ['throwing', 50],
    ]);
    expect(lines[0]?.msg).toBe('custom strategy failed; treated as not enabled');
    expect(lines[0]?.error).toBe('Error: boom');
  });

  it('counts an async isEnabled as not enabled, and its rejection does not escape', async () => {
    const { lines, log } = capture();
    const rejecting = { name: 'async', isEnabled: async () => Promise.reject(new Error('late')) };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      expect(evaluate(guardStrategy(rejecting, log))).toBe(false);
      // Node reports a rejection nobody handled once the microtasks of the turn that made it
      // have run, before the next turn's callbacks: by the time setImmediate's runs, it would be in.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    expect(lines[0]?.error).toMatch(/^TypeError: isEnabled returned a Promise/);
  });

  it("gives a plain { name, isEnabled } object the SDK's constraint handling", () => {
    const { log } = capture();
    const plain = {
      name: 'plain',
      isEnabled: (parameters: Record<string, unknown>) => parameters.on === 'yes',
    };
    const guarded = guardStrategy(plain, log);
    expect(guarded).toBeInstanceOf(Strategy);
    expect(evaluate(guarded, { on: 'yes' })).toBe(true);
    expect(evaluate(guarded, { on: 'no' })).toBe(false);
    const onlyNorway: Constraint[] = [
      {
        contextName: 'country',
        operator: 'IN' as Constraint['operator'],
        values: ['NO'],
        inverted: false,
      },
    ];
    expect(
      guarded.getResult({ on: 'yes' }, { properties: { country: 'SE' } }, onlyNorway.values())
        .enabled,
    ).toBe(false);
  });

  it('keeps the state of a strategy on the strategy itself', () => {
    const { log } = capture();
    class Counting extends Strategy {
      calls = 0;
      constructor() {
        super('counting');
      }
      override isEnabled(): boolean {
        this.calls += 1;
        return true;
      }
    }
    const counting = new Counting();
    const guarded = guardStrategy(counting, log);
    expect(evaluate(guarded)).toBe(true);
    expect(evaluate(guarded)).toBe(true);
    expect(counting.calls).toBe(2);
  });
});
