import { type Browser, chromium } from 'playwright-core';

/** Debian's package; Playwright's own browser download is unavailable here and in CI. */
const executablePath = process.env.E2E_CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags that keep Chromium offline and quiet. Playwright adds --headless and
 * gives every launch a fresh temporary --user-data-dir (it rejects our own),
 * which it deletes on close.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox', // the tests may run as root, where the sandbox cannot start
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // CI containers often have a tiny /dev/shm, where Chromium crashes.
  '--disable-dev-shm-usage',
];

/** Starts headless Chromium; close it with `browser.close()`. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}
