import { mkdir } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeUnleash } from '../helpers/fake-unleash.js';
import { itNeedsMetricsRoute, METRICS_ROUTE_PENDING } from '../helpers/pending.js';
import { SDK_FLAGS, SDK_VARIANT, sdkFlagsState } from '../helpers/sdk-flags.js';
import { type RunningProxy, startProxy } from '../helpers/start-proxy.js';
import { launchChromium, type SdkPage, startSdkPage, testResultsDir } from './support/index.js';

// unleash-proxy-client's browser build in headless Chromium, on a page whose origin differs
// from the proxy's, so every call is a real cross-origin request with a real preflight.

const CLIENT_KEY = 'browser-client-key';

/** The headers the SDK sets itself; none is CORS-safelisted, so the browser must ask first. */
const SDK_HEADERS = ['authorization', 'unleash-sdk', 'unleash-appname', 'unleash-connection-id'];

interface Preflight {
  path: string;
  requestMethod: string;
  requestHeaders: string[];
}

interface ShownFlag {
  flag: string;
  enabled: string;
  variant: string;
}

describe.each([
  { mode: 'GET', usePOSTrequests: false },
  { mode: 'POST', usePOSTrequests: true },
])('unleash-proxy-client in Chromium, $mode mode', ({ mode, usePOSTrequests }) => {
  let upstream: FakeUnleash | undefined;
  let proxy: RunningProxy | undefined;
  let sdkPage: SdkPage | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const preflights: Preflight[] = [];
  /** Script errors and failed responses the page ran into. */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    upstream = await new FakeUnleash(sdkFlagsState()).start();
    proxy = await startProxy({
      unleashUrl: upstream.url,
      unleashApiToken: 'browser-upstream-token',
      clientKeys: [CLIENT_KEY],
      refreshInterval: 500,
      metricsInterval: 500,
    });
    // Watches what reaches the proxy's socket, so the preflight seen is the browser's own.
    proxy.server.on('request', (request: IncomingMessage) => {
      if (request.method !== 'OPTIONS') return;
      preflights.push({
        path: (request.url ?? '').split('?')[0] ?? '',
        requestMethod: String(request.headers['access-control-request-method'] ?? ''),
        requestHeaders: String(request.headers['access-control-request-headers'] ?? '')
          .split(',')
          .map((header) => header.trim().toLowerCase())
          .filter((header) => header !== ''),
      });
    });
    sdkPage = await startSdkPage({
      sdk: {
        url: `${proxy.origin}/proxy`,
        clientKey: CLIENT_KEY,
        appName: 'browser-conformance',
        refreshInterval: 1,
        usePOSTrequests,
        context: { userId: 'alice' },
      },
      flags: [SDK_FLAGS.on, SDK_FLAGS.off, SDK_FLAGS.forAlice, SDK_FLAGS.withVariant],
    });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      // A failed load is reported below, with its URL, by the response listener.
      const isFailedLoad = message.text().startsWith('Failed to load resource');
      if (message.type() === 'error' && !isFailedLoad) pageErrors.push(message.text());
    });
    page.on('response', (response) => {
      const isPendingRoute =
        METRICS_ROUTE_PENDING && new URL(response.url()).pathname === '/proxy/client/metrics';
      if (response.status() >= 400 && !isPendingRoute) {
        pageErrors.push(`${response.status()} ${response.url()}`);
      }
    });
    await page.goto(sdkPage.url);
  });

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await sdkPage?.stop();
    await proxy?.stop();
    await upstream?.stop();
  });

  it('shows the flags the proxy evaluated, across origins, and revalidates with a 304', async () => {
    if (!page || !sdkPage || !proxy) throw new Error('setup did not finish');
    expect(new URL(sdkPage.url).origin).not.toBe(proxy.origin);

    await page.waitForSelector('#state[data-state="ready"]', { timeout: 15_000 });
    const shown = await page.$$eval('#flags li', (items) =>
      items.map((item) => ({
        flag: item.getAttribute('data-flag') ?? '',
        enabled: item.getAttribute('data-enabled') ?? '',
        variant: item.getAttribute('data-variant') ?? '',
      })),
    );
    expect(shown).toEqual<ShownFlag[]>([
      { flag: SDK_FLAGS.on, enabled: 'true', variant: 'disabled' },
      { flag: SDK_FLAGS.off, enabled: 'false', variant: 'disabled' },
      { flag: SDK_FLAGS.forAlice, enabled: 'true', variant: 'disabled' },
      { flag: SDK_FLAGS.withVariant, enabled: 'true', variant: SDK_VARIANT.name },
    ]);

    // The second poll carries If-None-Match, which needs its own preflight, and gets a 304.
    await page.waitForSelector('#responses li[data-path="/proxy"][data-status="304"]', {
      timeout: 15_000,
    });
    const polls = await page.$$eval('#responses li[data-path="/proxy"]', (items) =>
      items.map(
        (item) => `${item.getAttribute('data-method')} ${item.getAttribute('data-status')}`,
      ),
    );
    expect(polls.slice(0, 2)).toEqual([`${mode} 200`, `${mode} 304`]);

    const toProxy = preflights.filter((preflight) => preflight.path === '/proxy');
    expect(toProxy.length).toBeGreaterThanOrEqual(1);
    expect(toProxy.every((preflight) => preflight.requestMethod === mode)).toBe(true);
    const asked = new Set(toProxy.flatMap((preflight) => preflight.requestHeaders));
    expect([...asked]).toEqual(expect.arrayContaining([...SDK_HEADERS, 'if-none-match']));
    expect(pageErrors).toEqual([]);

    await mkdir(testResultsDir, { recursive: true });
    await page.screenshot({ path: join(testResultsDir, `browser-sdk-${mode.toLowerCase()}.png`) });
  });

  itNeedsMetricsRoute(
    'sends its usage metrics across origins, and they reach Unleash',
    async () => {
      if (!page || !upstream) throw new Error('setup did not finish');
      // The page counts every flag it renders; the SDK sends the counts about 2 s after start.
      const sent = await page.waitForSelector('#responses li[data-path="/proxy/client/metrics"]', {
        timeout: 15_000,
      });
      const status = Number(await sent.getAttribute('data-status'));
      expect(status).toBeGreaterThanOrEqual(200);
      expect(status).toBeLessThan(300);
      await expect
        .poll(() => upstream?.requestsTo('/api/client/metrics').length ?? 0, { timeout: 15_000 })
        .toBeGreaterThan(0);
      const reported = upstream.requestsTo('/api/client/metrics').map((request) => request.body);
      expect(JSON.stringify(reported)).toContain(SDK_FLAGS.on);
      expect(pageErrors).toEqual([]);
    },
  );
});
