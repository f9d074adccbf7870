import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOOPBACK, launchChromium, testResultsDir } from './support/index.js';

// Proves headless Chromium from the Debian package works offline, so later
// tests can run unleash-proxy-client in a real browser against the proxy.
describe('headless Chromium', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let pageUrl = '';

  beforeAll(async () => {
    server = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end('<!doctype html><title>e2e</title><h1 id="greeting">Hello from node:http</h1>');
    });
    server.listen(0, LOOPBACK);
    await once(server, 'listening');
    pageUrl = `http://${LOOPBACK}:${(server.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (server) {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    }
  });

  it('reads text from a page served on 127.0.0.1 and takes a screenshot', async () => {
    if (!browser) throw new Error('Chromium did not start');
    const page = await browser.newPage();
    await page.goto(pageUrl);
    expect(await page.textContent('#greeting')).toBe('Hello from node:http');

    await mkdir(testResultsDir, { recursive: true });
    const screenshot = join(testResultsDir, 'chromium-smoke.png');
    await page.screenshot({ path: screenshot });
    await page.close();
  });
});
