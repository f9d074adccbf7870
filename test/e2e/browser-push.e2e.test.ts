import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeToken, FakeUnleash } from '../helpers/fake-unleash.js';
import { type RunningProxy, startProxy } from '../helpers/start-proxy.js';
import { launchChromium, type SdkPage, startSdkPage, testResultsDir } from './support/index.js';

// unleash-proxy-client's browser build in headless Chromium against /api/frontend with an
// Unleash frontend token, wired to GET /api/frontend/events with the browser's own EventSource
// (cross-origin, the token in the URL) as the README shows: a change upstream reaches the page
// through the stream, long before the SDK's refresh interval.

const BACKEND_DEV = '*:development.push-backend-dev';
const FRONT_DEV = '*:development.push-front-dev';
const TOKENS: FakeToken[] = [
  { token: BACKEND_DEV, type: 'client', environment: 'development', projects: ['*'] },
  { token: FRONT_DEV, type: 'frontend', environment: 'development', projects: ['*'] },
];

const flag = (name: string, enabled: boolean) => ({
  name,
  project: 'default',
  enabled,
  strategies: [{ name: 'default', parameters: {}, constraints: [] }],
  variants: [],
  impressionData: false,
});

describe('unleash-proxy-client in Chromium, told of changes by /api/frontend/events', () => {
  let upstream: FakeUnleash | undefined;
  let proxy: RunningProxy | undefined;
  let sdkPage: SdkPage | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    upstream = await new FakeUnleash().start();
    upstream.setTokens(TOKENS);
    upstream.setStateFor(BACKEND_DEV, { features: [flag('checkout', false)] });
    proxy = await startProxy({
      unleashUrl: upstream.url,
      unleashApiTokens: [BACKEND_DEV],
      clientKeys: ['browser-push-client-key'],
      refreshInterval: 200,
      metricsInterval: 60_000,
    });
    sdkPage = await startSdkPage({
      sdk: {
        url: `${proxy.origin}/api/frontend`,
        clientKey: FRONT_DEV,
        appName: 'browser-push',
        refreshInterval: 3_600, // seconds: only the stream can explain an update in this test
        usePOSTrequests: false,
      },
      flags: ['checkout'],
      events: `${proxy.origin}/api/frontend/events?token=${encodeURIComponent(FRONT_DEV)}`,
    });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) pageErrors.push(`${response.status()} ${response.url()}`);
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

  it('shows a flag turned on upstream without waiting for a poll', async () => {
    if (!page || !sdkPage || !proxy || !upstream) throw new Error('setup did not finish');
    expect(new URL(sdkPage.url).origin).not.toBe(proxy.origin);
    await page.waitForSelector('#state[data-state="ready"]', { timeout: 15_000 });
    await page.waitForSelector('#stream[data-state="open"]', { timeout: 15_000 });
    expect(await page.getAttribute('li[data-flag="checkout"]', 'data-enabled')).toBe('false');

    upstream.setStateFor(BACKEND_DEV, { features: [flag('checkout', true)] });
    await page.waitForSelector('li[data-flag="checkout"][data-enabled="true"]', {
      timeout: 15_000,
    });
    // One poll at the start, one refetch told by the stream: no polling in between.
    const polls = await page.$$eval('#responses li[data-path="/api/frontend"]', (items) =>
      items.map((item) => item.getAttribute('data-status')),
    );
    expect(polls).toEqual(['200', '200']);
    expect(pageErrors).toEqual([]);
    expect(proxy.logs()).not.toContain('push-front-dev');

    await mkdir(testResultsDir, { recursive: true });
    await page.screenshot({ path: join(testResultsDir, 'browser-push.png') });
  });
});
