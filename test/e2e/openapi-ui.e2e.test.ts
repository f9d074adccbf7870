import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CLIENT_KEY } from '../../src/app.js';
import { buildSpec } from '../../src/openapi/build-spec.js';
import { type RunningProxy, startProxy } from '../helpers/start-proxy.js';
import { launchChromium } from './support/index.js';

const BASE = '/flags';
const SCREENSHOT = 'test-results/openapi-ui.png';

describe('Swagger UI in a real browser, under a base path', () => {
  let proxy: RunningProxy;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];

  beforeAll(async () => {
    proxy = await startProxy({ enableOAS: true, proxyBasePath: BASE });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (request) => requested.push(request.url()));
  });

  afterAll(async () => {
    await browser?.close();
    await proxy?.stop();
  });

  it('shows every operation of the document', async () => {
    await page.goto(`${proxy.origin}${BASE}/docs/openapi`);
    await page.locator('.opblock').first().waitFor();
    await expect
      .poll(() => page.locator('.opblock-summary-path').allTextContents())
      .toEqual(expect.arrayContaining(['/proxy', '/proxy/all', '/proxy/health']));
    const spec = buildSpec(proxy.app.config);
    const operations = Object.values(spec.paths ?? {}).flatMap((path) =>
      ['get', 'post', 'put', 'delete', 'patch'].filter((method) => method in path),
    );
    expect(await page.locator('.opblock').count()).toBe(operations.length);
    await expect.poll(() => page.locator('.servers select').inputValue()).toBe(BASE);
  });

  it('runs "Try it out" on GET /proxy with a client key and gets 200 with flags', async () => {
    await page.locator('button.authorize').first().click();
    // The dialog has one form per security scheme; the client key is the frontend's.
    const form = page.locator('.dialog-ux form').filter({ hasText: 'clientKey' });
    await form.locator('input').first().fill(DEMO_CLIENT_KEY);
    await form.locator('button.authorize').click();
    await page.locator('.dialog-ux button.btn-done').first().click();

    const operation = page.locator('#operations-Proxy-getEnabledFlags');
    await operation.locator('.opblock-summary').click();
    await operation.locator('.try-out__btn').click();
    const answer = page.waitForResponse((response) =>
      response.url().startsWith(`${proxy.origin}${BASE}/proxy?`),
    );
    await operation.locator('.execute').click();
    const response = await answer;
    expect(response.status()).toBe(200);
    const body = (await response.json()) as { toggles: { name: string }[] };
    expect(body.toggles.length).toBeGreaterThan(0);

    const live = operation.locator('.live-responses-table');
    await expect
      .poll(() => live.locator('tbody .response-col_status').first().textContent())
      .toBe('200');
    expect(await live.locator('tbody .response-col_description').first().textContent()).toContain(
      body.toggles[0]?.name ?? '',
    );

    mkdirSync('test-results', { recursive: true });
    await operation.scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('loaded nothing from anywhere but the proxy', () => {
    expect(requested.length).toBeGreaterThan(3);
    expect(requested.filter((url) => !url.startsWith(`${proxy.origin}${BASE}/`))).toEqual([]);
  });
});
