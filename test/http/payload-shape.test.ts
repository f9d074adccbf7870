import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type OnlineProxy,
  postJson,
  startOnlineProxy,
  togglesOf,
} from '../helpers/online-proxy.js';

describe('payload of each flag, as the original proxy sends it', () => {
  let online: OnlineProxy;
  beforeAll(async () => {
    online = await startOnlineProxy();
  });
  afterAll(async () => {
    await online.stop();
  });

  async function toggle(name: string) {
    const [found] = await togglesOf(await postJson(online, '/proxy', { toggles: [name] }));
    return found;
  }

  it('a flag with a variant: the variant with its payload and both spellings of the status', async () => {
    expect(await toggle('with-variant')).toEqual({
      name: 'with-variant',
      enabled: true,
      variant: {
        name: 'blue',
        enabled: true,
        payload: { type: 'string', value: 'the blue one' },
        feature_enabled: true,
        featureEnabled: true,
      },
      impressionData: false,
    });
  });

  it('an enabled flag without variants: the disabled variant, feature_enabled true', async () => {
    expect(await toggle('always-on')).toEqual({
      name: 'always-on',
      enabled: true,
      variant: { name: 'disabled', enabled: false, feature_enabled: true, featureEnabled: true },
      impressionData: true,
    });
  });

  it('a disabled flag: the disabled variant, feature_enabled false', async () => {
    expect(await toggle('always-off')).toEqual({
      name: 'always-off',
      enabled: false,
      variant: { name: 'disabled', enabled: false, feature_enabled: false, featureEnabled: false },
      impressionData: false,
    });
  });

  it('the body is { toggles: [...] } and nothing else', async () => {
    const body = (await (await online.request('/proxy')).json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['toggles']);
  });
});
