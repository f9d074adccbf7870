import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { usageFlags } from '../fixtures/usage-flags.js';
import { type BuiltProxy, runBuiltProxy } from '../helpers/built-proxy.js';
import { FakeUnleash } from '../helpers/fake-unleash.js';
import { freePort } from '../helpers/free-port.js';
import { sumUsage } from '../helpers/usage-totals.js';
import { waitFor } from '../helpers/wait-for.js';

describe('SIGTERM on the built proxy', () => {
  let upstream: FakeUnleash;
  let child: BuiltProxy | undefined;
  let backup: string;

  afterAll(async () => {
    if (child?.process.exitCode === null) child.process.kill('SIGKILL');
    await upstream?.stop();
    if (backup) rmSync(backup, { recursive: true, force: true });
  });

  it('sends the pending usage counts to Unleash before exiting', async () => {
    upstream = await new FakeUnleash(usageFlags).start();
    backup = mkdtempSync(join(tmpdir(), 'proxy-sigterm-'));
    const port = await freePort();
    child = runBuiltProxy({
      PORT: String(port),
      UNLEASH_URL: upstream.url,
      UNLEASH_API_TOKEN: 'upstream-token',
      UNLEASH_PROXY_CLIENT_KEYS: 'frontend-key',
      UNLEASH_METRICS_INTERVAL: '3600000',
      UNLEASH_BACKUP_PATH: backup,
    });
    const { exited } = child;
    const origin = `http://127.0.0.1:${port}`;
    await waitFor(async () => {
      try {
        return (await fetch(`${origin}/proxy/health`)).status === 200;
      } catch {
        return false;
      }
    }, 'the child proxy to be ready');

    const report = {
      appName: 'web',
      instanceId: 'browser',
      bucket: {
        start: new Date().toISOString(),
        stop: new Date().toISOString(),
        toggles: { checkout: { yes: 12, no: 3, variants: { blue: 7, green: 8 } } },
      },
    };
    const response = await fetch(`${origin}/proxy/client/metrics`, {
      method: 'POST',
      headers: { authorization: 'frontend-key', 'content-type': 'application/json' },
      body: JSON.stringify(report),
    });
    expect(response.status).toBe(200);
    expect(upstream.deliveredMetrics()).toHaveLength(0);

    child.process.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(sumUsage(upstream.deliveredMetrics())).toEqual(sumUsage([report]));
  }, 60_000);
});
