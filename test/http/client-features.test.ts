import { Unleash } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageFlags } from '../fixtures/usage-flags.js';
import { FakeUnleash } from '../helpers/fake-unleash.js';
import { startProxyOn } from '../helpers/online-proxy.js';
import { type RunningProxy, startProxy } from '../helpers/start-proxy.js';

const CLIENT_KEY = 'frontend-key';
const SDK_TOKEN = 'server-sdk-token';

/** A real backend SDK, ready on the flags of `url`. */
async function startServerSdk(url: string, token: string, appName: string): Promise<Unleash> {
  const sdk = new Unleash({
    url,
    appName,
    customHeaders: { Authorization: token },
    // One fetch at start is all the test needs; 0 would disable fetching altogether.
    refreshInterval: 3_600_000,
    disableMetrics: true,
    skipInstanceCountWarning: true,
    storageProvider: {
      // No backup on disk: the SDK must get everything from the URL.
      async set() {},
      async get() {
        return undefined;
      },
    },
  });
  sdk.on('error', () => {});
  sdk.on('warn', () => {});
  await new Promise<void>((resolve) => sdk.once('synchronized', () => resolve()));
  return sdk;
}

describe('GET /proxy/client/features for backend SDKs', () => {
  let upstream: FakeUnleash;
  let proxy: RunningProxy;

  beforeAll(async () => {
    upstream = await new FakeUnleash(usageFlags).start();
    proxy = await startProxyOn(upstream, {
      unleashApiToken: 'upstream-token',
      clientKeys: [CLIENT_KEY],
      serverSideSdkTokens: [SDK_TOKEN],
    });
  });
  afterAll(async () => {
    await proxy.stop();
    await upstream.stop();
  });

  it('gives the whole configuration, segments included, with an ETag and 304', async () => {
    const response = await fetch(`${proxy.origin}/proxy/client/features`, {
      headers: { authorization: SDK_TOKEN },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { version: number; segments: unknown[] };
    expect(body).toMatchObject({ version: 2 });
    expect(body).toEqual(expect.objectContaining({ segments: usageFlags.segments }));
    const etag = response.headers.get('etag');
    expect(etag).toBeTruthy();

    const again = await fetch(`${proxy.origin}/proxy/client/features`, {
      // fetch adds `Cache-Control: no-cache` to conditional requests unless one is given;
      // backend SDKs send none.
      headers: {
        authorization: SDK_TOKEN,
        'if-none-match': etag ?? '',
        'cache-control': 'max-age=0',
      },
    });
    expect(again.status).toBe(304);
  });

  it('refuses client keys and unknown tokens', async () => {
    for (const credential of [CLIENT_KEY, 'nope']) {
      const response = await fetch(`${proxy.origin}/proxy/client/features`, {
        headers: { authorization: credential },
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    }
  });

  it('lets a real unleash-client evaluate exactly as it does against Unleash', async () => {
    const viaProxy = await startServerSdk(`${proxy.origin}/proxy`, SDK_TOKEN, 'via-proxy');
    const direct = await startServerSdk(upstream.url, 'upstream-token', 'direct');
    try {
      const contexts = [
        { userId: 'alice' },
        { userId: 'bob' },
        { userId: 'carol' },
        { userId: 'dave', sessionId: 's1' },
        // Every context has a stickiness key: without one, default stickiness is random.
        { sessionId: 's2' },
      ];
      const flags = ['checkout', 'banner', 'beta-segment', 'unknown-flag'];
      for (const context of contexts) {
        for (const flag of flags) {
          expect(viaProxy.isEnabled(flag, context), `${flag} ${JSON.stringify(context)}`).toBe(
            direct.isEnabled(flag, context),
          );
          expect(viaProxy.getVariant(flag, context)).toEqual(direct.getVariant(flag, context));
        }
      }
      // The segment decides: without segments the flag would be on for everyone.
      expect(viaProxy.isEnabled('beta-segment', { userId: 'alice' })).toBe(true);
      expect(viaProxy.isEnabled('beta-segment', { userId: 'carol' })).toBe(false);
    } finally {
      viaProxy.destroy();
      direct.destroy();
    }
  });
});

describe('GET /proxy/client/features with CLIENT_KEY_HEADER_NAME set', () => {
  let upstream: FakeUnleash;
  let proxy: RunningProxy;
  const features = (headers: Record<string, string>) =>
    fetch(`${proxy.origin}/proxy/client/features`, { headers });

  beforeAll(async () => {
    upstream = await new FakeUnleash(usageFlags).start();
    // Keys and tokens from the environment, as the original read them: not the helper's.
    proxy = await startProxy(
      { unleashUrl: upstream.url, unleashApiToken: 'upstream-token' },
      {
        UNLEASH_PROXY_CLIENT_KEYS: CLIENT_KEY,
        EXP_SERVER_SIDE_SDK_CONFIG_TOKENS: SDK_TOKEN,
        CLIENT_KEY_HEADER_NAME: 'x-proxy-key',
      },
    );
  });
  afterAll(async () => {
    await proxy.stop();
    await upstream.stop();
  });

  it('reads the server-side SDK token from that header, as the original did', async () => {
    const response = await features({ 'x-proxy-key': SDK_TOKEN });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ version: 2 });
  });

  it('still reads it from Authorization, which backend SDKs send by default', async () => {
    expect((await features({ authorization: SDK_TOKEN })).status).toBe(200);
    // A client key in the custom header does not hide a valid token in Authorization.
    expect((await features({ 'x-proxy-key': CLIENT_KEY, authorization: SDK_TOKEN })).status).toBe(
      200,
    );
  });

  it('refuses a client key in either header', async () => {
    for (const headers of [{ 'x-proxy-key': CLIENT_KEY }, { authorization: CLIENT_KEY }, {}]) {
      const response = await features(headers);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    }
  });
});
