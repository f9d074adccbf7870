import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { readinessMaxAgeMs, SyncTracker } from '../../../src/health/flag-freshness.js';

const online = {
  UNLEASH_URL: 'http://unleash.example/api',
  UNLEASH_API_TOKEN: 'token',
  UNLEASH_PROXY_CLIENT_KEYS: 'key',
};

describe('readiness max age', () => {
  it('defaults to 60 polls, at least a minute, and follows PROXY_READINESS_MAX_AGE_MS', () => {
    expect(readinessMaxAgeMs(loadConfig(online))).toBe(300_000);
    expect(readinessMaxAgeMs(loadConfig({ ...online, UNLEASH_FETCH_INTERVAL: '100' }))).toBe(
      60_000,
    );
    expect(readinessMaxAgeMs(loadConfig({ ...online, PROXY_READINESS_MAX_AGE_MS: '1234' }))).toBe(
      1234,
    );
  });

  it('never goes stale offline or without polling', () => {
    expect(readinessMaxAgeMs(loadConfig({}))).toBe(0);
    expect(readinessMaxAgeMs(loadConfig({ ...online, UNLEASH_FETCH_INTERVAL: '0' }))).toBe(0);
  });

  it('refuses a bad value naming the variable', () => {
    expect(() => loadConfig({ ...online, PROXY_READINESS_MAX_AGE_MS: 'soon' })).toThrow(
      /PROXY_READINESS_MAX_AGE_MS/,
    );
  });

  it("measures the age from the flag store's last sync, whoever made it", () => {
    let last: Date | undefined;
    const sync = new SyncTracker(() => last);
    expect(sync.lastSyncAt()).toBeUndefined();
    last = new Date(1000);
    expect(sync.lastSyncAt()?.getTime()).toBe(1000);
    expect(sync.ageMs(4000)).toBe(3000);
  });
});
