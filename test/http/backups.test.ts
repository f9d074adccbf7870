import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/logger.js';
import { createFlagStore } from '../../src/unleash/flag-store.js';
import { FakeUnleash } from '../helpers/fake-unleash.js';
import { onlineOptions, QUICK_UPSTREAM_FAILURES, startProxyOn } from '../helpers/online-proxy.js';
import { enabledFlags, servedFlags } from '../helpers/upstream-proxy.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function sharedFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'proxy-backup-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

describe('file backup', () => {
  it('a restart while Unleash is down starts ready from the last good flags', async () => {
    const backupPath = sharedFolder();
    const fake = await new FakeUnleash(enabledFlags('from-unleash')).start();
    cleanups.push(() => fake.stop());

    const first = await startProxyOn(fake, {
      refreshInterval: 300,
      ...QUICK_UPSTREAM_FAILURES,
      backupPath,
    });
    expect(await servedFlags(first)).toEqual(['from-unleash']);
    await first.app.close();
    expect(readdirSync(backupPath).some((name) => name.startsWith('unleash-backup-'))).toBe(true);

    await fake.stop();
    const second = await startProxyOn(fake, {
      refreshInterval: 300,
      ...QUICK_UPSTREAM_FAILURES,
      backupPath,
    });
    cleanups.push(() => second.stop());
    expect(await servedFlags(second)).toEqual(['from-unleash']);
  });

  it('a backup of the wrong shape is ignored: 503 until Unleash answers', async () => {
    const backupPath = sharedFolder();
    const fake = await new FakeUnleash({ features: [{ name: 'bad', enabled: 'yes' }] }).start();
    cleanups.push(() => fake.stop());
    const writer = await startProxyOn(
      fake,
      { refreshInterval: 300, ...QUICK_UPSTREAM_FAILURES, backupPath },
      {},
      { waitUntilReady: false },
    );
    await vi.waitFor(() => expect(writer.logs()).toMatch(/refused flags of the wrong shape/));
    await writer.app.close();
    // The refused flags were never written: nothing to start from.
    expect(readdirSync(backupPath)).toEqual([]);
  });
});

describe('last successful sync', () => {
  it('is unknown until Unleash answers, then advances with every 200 or 304, not during faults', async () => {
    const fake = await new FakeUnleash(enabledFlags('a')).start();
    cleanups.push(() => fake.stop());
    const backupPath = sharedFolder();
    const config = loadConfig({}, onlineOptions(fake, { ...QUICK_UPSTREAM_FAILURES, backupPath }));
    const store = createFlagStore({
      config,
      logger: createLogger({ level: 'silent', json: true }),
      strategies: [],
    });
    cleanups.push(() => store.close());
    expect(store.lastSyncAt()).toBeUndefined();
    await store.ready();
    await vi.waitFor(() => expect(store.lastSyncAt()).toBeInstanceOf(Date));
    const first = store.lastSyncAt()?.getTime() ?? 0;
    // 304s keep confirming the flags.
    await vi.waitFor(() => expect(store.lastSyncAt()?.getTime()).toBeGreaterThan(first));

    fake.setFault({ kind: 'body', body: '{"features": [{"name": 1}]}' });
    const seen = fake.requestsTo('/api/client/features').length;
    // Once a second faulty answer was asked for, the first one has been handled.
    await vi.waitFor(() =>
      expect(fake.requestsTo('/api/client/features').length).toBeGreaterThanOrEqual(seen + 2),
    );
    const duringFault = store.lastSyncAt()?.getTime() ?? 0;
    // Two more faulty answers asked for: the ones before them were handled, and no sync.
    const handled = fake.requestsTo('/api/client/features').length;
    await vi.waitFor(
      () =>
        expect(fake.requestsTo('/api/client/features').length).toBeGreaterThanOrEqual(handled + 2),
      { timeout: 5_000 },
    );
    expect(store.lastSyncAt()?.getTime()).toBe(duringFault);

    fake.setFault(undefined);
    await vi.waitFor(() => expect(store.lastSyncAt()?.getTime()).toBeGreaterThan(duringFault), {
      timeout: 3_000,
    });
  });
});
