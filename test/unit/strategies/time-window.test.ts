import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StrategyLike } from '../../../src/plugins/guard-strategy.js';
import { loadStrategyFile } from '../../../src/plugins/load-strategies.js';

const file = join(resolve(import.meta.dirname, '../../..'), 'strategies/time-window.js');

describe('strategies/time-window.js', () => {
  let timeWindow: StrategyLike;
  beforeAll(async () => {
    [timeWindow] = (await loadStrategyFile(file, process.cwd())) as [StrategyLike];
  });
  const at = (iso: string) => ({ properties: {}, currentTime: new Date(iso) });

  it('is named timeWindow', () => {
    expect(timeWindow.name).toBe('timeWindow');
  });

  it.each([
    ['2024-06-03T08:59:00Z', false],
    ['2024-06-03T09:00:00Z', true],
    ['2024-06-03T17:29:00Z', true],
    ['2024-06-03T17:30:00Z', false],
  ])('09:00-17:30 UTC at %s: %s', (time, enabled) => {
    expect(timeWindow.isEnabled({ start: '09:00', end: '17:30' }, at(time))).toBe(enabled);
  });

  it('reads the wall clock of the time zone, daylight saving included', () => {
    const oslo = { start: '09:00', end: '10:00', timezone: 'Europe/Oslo' };
    // 07:30 UTC is 09:30 in Oslo in summer (UTC+2) and 08:30 in winter (UTC+1).
    expect(timeWindow.isEnabled(oslo, at('2024-06-03T07:30:00Z'))).toBe(true);
    expect(timeWindow.isEnabled(oslo, at('2024-01-15T07:30:00Z'))).toBe(false);
    expect(timeWindow.isEnabled(oslo, at('2024-01-15T08:30:00Z'))).toBe(true);
  });

  it('supports a window across midnight', () => {
    const night = { start: '22:00', end: '06:00' };
    expect(timeWindow.isEnabled(night, at('2024-06-03T23:15:00Z'))).toBe(true);
    expect(timeWindow.isEnabled(night, at('2024-06-03T05:59:00Z'))).toBe(true);
    expect(timeWindow.isEnabled(night, at('2024-06-03T12:00:00Z'))).toBe(false);
  });

  it('treats an equal start and end as an empty window', () => {
    expect(timeWindow.isEnabled({ start: '09:00', end: '09:00' }, at('2024-06-03T09:00:00Z'))).toBe(
      false,
    );
  });

  it('uses the current time when the context has none', () => {
    expect(timeWindow.isEnabled({ start: '00:00', end: '23:59' }, { properties: {} })).toBeTypeOf(
      'boolean',
    );
  });

  it.each([
    [{ start: '9am', end: '17:00' }, 'parameter start must be HH:MM'],
    [{ start: '09:00', end: '24:00' }, 'parameter end must be HH:MM'],
    [{ start: '09:00' }, 'parameter end must be HH:MM'],
    [{ start: '09:00', end: '10:00', timezone: 'Mars/Olympus' }, 'Mars/Olympus'],
  ])('explains bad parameters %j by throwing', (parameters, message) => {
    expect(() => timeWindow.isEnabled(parameters, at('2024-06-03T09:30:00Z'))).toThrow(message);
  });
});
