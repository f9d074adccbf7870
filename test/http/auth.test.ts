import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_KEY, type OnlineProxy, startOnlineProxy } from '../helpers/online-proxy.js';

const UNAUTHORIZED = {
  statusCode: 401,
  code: 'UNAUTHORIZED',
  error: 'Unauthorized',
  message: 'A valid client key is required in the configured header.',
};

describe('client keys', () => {
  let online: OnlineProxy | undefined;
  afterEach(async () => {
    await online?.stop();
    online = undefined;
  });

  it('answers 401 without a key, with a wrong key and with an almost-right key', async () => {
    online = await startOnlineProxy();
    for (const headers of [
      {},
      { authorization: 'wrong' },
      { authorization: `${CLIENT_KEY}x` },
      { authorization: CLIENT_KEY.slice(0, -1) },
      { authorization: `Bearer ${CLIENT_KEY}` },
    ]) {
      for (const method of ['GET', 'POST']) {
        const response = await fetch(`${online.base}/proxy`, { method, headers });
        expect(response.status, `${method} ${JSON.stringify(headers)}`).toBe(401);
        expect(await response.json()).toEqual(UNAUTHORIZED);
      }
    }
  });

  it('accepts every configured key, legacy UNLEASH_PROXY_SECRETS included', async () => {
    online = await startOnlineProxy(
      { clientKeys: undefined },
      { UNLEASH_PROXY_CLIENT_KEYS: 'new-key', UNLEASH_PROXY_SECRETS: 'legacy-key' },
    );
    for (const key of ['new-key', 'legacy-key']) {
      const response = await fetch(`${online.base}/proxy`, { headers: { authorization: key } });
      expect(response.status, key).toBe(200);
    }
  });

  it('reads the key from CLIENT_KEY_HEADER_NAME, in any case, and no longer from Authorization', async () => {
    online = await startOnlineProxy({}, { CLIENT_KEY_HEADER_NAME: 'X-Unleash-Key' });
    const custom = await fetch(`${online.base}/proxy`, {
      headers: { 'x-unleash-key': CLIENT_KEY },
    });
    expect(custom.status).toBe(200);
    const authorization = await fetch(`${online.base}/proxy`, {
      headers: { authorization: CLIENT_KEY },
    });
    expect(authorization.status).toBe(401);
  });
});
