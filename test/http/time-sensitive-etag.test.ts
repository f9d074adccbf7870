import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enabledNames, type OnlineProxy, startOnlineProxy } from '../helpers/online-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

/** A flag that turns on at `after`, through a DATE_AFTER constraint on the clock. */
function launchAt(after: Date) {
  return {
    name: 'launch',
    enabled: true,
    strategies: [
      {
        name: 'default',
        constraints: [
          { contextName: 'currentTime', operator: 'DATE_AFTER', value: after.toISOString() },
        ],
      },
    ],
  };
}
const alwaysOn = { name: 'always', enabled: true, strategies: [{ name: 'default' }] };

/**
 * Waits for the clock to pass `time`. The clock is what these tests are about: its passing a
 * flag's date, or a second going by, is the event they wait for.
 */
const clockPasses = (time: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, time - Date.now())));
/** A moment just past the next whole second: waiting for it crosses a second. */
const nextSecond = () => Math.ceil((Date.now() + 1) / 1_000) * 1_000 + 50;

/** What the custom strategy answers; a test closes the window to change its answer. */
let windowOpen = true;

describe('ETags of answers that depend on the clock', () => {
  let online: OnlineProxy;
  /** A second proxy, with a custom strategy whose logic the proxy cannot see. */
  let custom: OnlineProxy;
  const launch = new Date(Date.now() + 60_000);

  beforeAll(async () => {
    online = await startOnlineProxy();
    custom = await startOnlineProxy({
      customStrategies: [{ name: 'open-window', isEnabled: () => windowOpen }],
    });
  });
  afterAll(async () => {
    await online.stop();
    await custom.stop();
  });

  const served = new Map<OnlineProxy, string>();
  /** Serves `features` upstream and waits until the proxy answers with them. */
  const setFlags = async (features: unknown[], proxy = online) => {
    if (served.get(proxy) === JSON.stringify(features)) return;
    served.set(proxy, JSON.stringify(features));
    const before = (await proxy.request('/proxy')).headers.get('etag');
    proxy.fake.setState({ features });
    await waitFor(
      async () => (await proxy.request('/proxy')).headers.get('etag') !== before,
      'the proxy to pick up the new flags',
    );
  };
  const revalidate = (path: string, etag: string) =>
    online.request(path, { headers: { 'if-none-match': etag } });

  it('does not answer 304 across the moment a DATE_AFTER flag turns on', async () => {
    const soon = new Date(Date.now() + 3_000);
    await setFlags([launchAt(soon), alwaysOn]);
    const first = await online.request('/proxy?userId=alice');
    expect(await enabledNames(first)).toEqual(['always']);
    const etag = first.headers.get('etag') ?? '';

    await clockPasses(soon.getTime() + 100);
    const after = await revalidate('/proxy?userId=alice', etag);
    expect(after.status).toBe(200);
    expect(await enabledNames(after)).toEqual(['always', 'launch']);
  });

  it('keeps answering 304 while no date of a DATE_AFTER flag is crossed', async () => {
    await setFlags([launchAt(launch), alwaysOn]);
    const etag = (await online.request('/proxy?userId=alice')).headers.get('etag') ?? '';
    await clockPasses(nextSecond());
    expect((await revalidate('/proxy?userId=alice', etag)).status).toBe(304);
  });

  it('keeps one tag for a context that fixes currentTime', async () => {
    await setFlags([launchAt(launch), alwaysOn]);
    const path = `/proxy?userId=alice&currentTime=${encodeURIComponent(new Date().toISOString())}`;
    const etag = (await online.request(path)).headers.get('etag') ?? '';
    await clockPasses(nextSecond());
    expect((await revalidate(path, etag)).status).toBe(304);
  });

  it('keeps 304s across seconds with a custom strategy while its answer stays the same', async () => {
    windowOpen = true;
    const window = { name: 'window', enabled: true, strategies: [{ name: 'open-window' }] };
    await setFlags([window], custom);
    const first = await custom.request('/proxy?userId=alice');
    const etag = first.headers.get('etag') ?? '';
    expect(await enabledNames(first)).toContain('window');
    await clockPasses(nextSecond());
    const later = await custom.request('/proxy?userId=alice', {
      headers: { 'if-none-match': etag },
    });
    expect(later.status).toBe(304);
    expect(later.headers.get('etag')).toBe(etag);

    // The strategy's answer changes (its window closes): a 200 with the new answer and tag.
    windowOpen = false;
    const closed = await custom.request('/proxy?userId=alice', {
      headers: { 'if-none-match': etag },
    });
    expect(closed.status).toBe(200);
    expect(closed.headers.get('etag')).not.toBe(etag);
    expect(await enabledNames(closed)).not.toContain('window');
  });

  it('keeps one tag across seconds when no flag reads the clock', async () => {
    await setFlags([alwaysOn]);
    const etag = (await online.request('/proxy?userId=alice')).headers.get('etag') ?? '';
    await clockPasses(nextSecond());
    expect((await revalidate('/proxy?userId=alice', etag)).status).toBe(304);
  });
});
