import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  enabledFlags,
  flagWithConstraint,
  probedProperties,
  writeProbeFlags,
} from '../helpers/property-probes.js';
import { type RunningProxy, startProxy } from '../helpers/start-proxy.js';

const KEY = 'device-test-key';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1';
const EDGE =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0';

const folder = mkdtempSync(join(tmpdir(), 'device-test-'));
const flagsFile = writeProbeFlags(
  folder,
  {
    browser: ['Safari', 'Microsoft Edge'],
    browserVersion: ['18', '142'],
    os: ['iOS', 'Windows'],
    osVersion: ['18.6', '10', '11'],
    deviceType: ['mobile', 'desktop'],
    enricherSawDevice: ['mobile', 'desktop'],
  },
  [flagWithConstraint('mobile-checkout', 'deviceType', ['mobile', 'tablet'])],
);

describe('device from User-Agent and client hints (PROXY_DEVICE_CONTEXT=true)', () => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await startProxy(
      {
        customEnrichers: [
          (context) => {
            const deviceType = context.properties.deviceType;
            if (deviceType !== undefined) context.properties.enricherSawDevice = deviceType;
            return context;
          },
        ],
      },
      {
        PROXY_MODE: 'offline',
        UNLEASH_BOOTSTRAP_FILE: flagsFile,
        UNLEASH_PROXY_CLIENT_KEYS: KEY,
        PROXY_DEVICE_CONTEXT: 'true',
      },
    );
  });
  afterAll(async () => {
    await proxy.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  const get = async (headers: Record<string, string>) => {
    const response = await fetch(`${proxy.origin}/proxy?userId=1`, {
      headers: { Authorization: KEY, ...headers },
    });
    expect(response.status).toBe(200);
    return { body: (await response.json()) as unknown, etag: response.headers.get('etag') };
  };

  it('GET: an iPhone is mobile, Edge on Windows is desktop', async () => {
    const iphone = await get({ 'User-Agent': IPHONE });
    expect(probedProperties(iphone.body)).toEqual({
      browser: 'Safari',
      browserVersion: '18',
      os: 'iOS',
      osVersion: '18.6',
      deviceType: 'mobile',
      enricherSawDevice: 'mobile',
    });
    expect(enabledFlags(iphone.body)).toEqual(['mobile-checkout']);
    const edge = await get({ 'User-Agent': EDGE });
    expect(probedProperties(edge.body)).toMatchObject({ browser: 'Microsoft Edge', os: 'Windows' });
    expect(enabledFlags(edge.body)).toEqual([]);
    expect(edge.etag).not.toBe(iphone.etag);
  });

  it('client hints refine the User-Agent: Windows 11', async () => {
    const { body } = await get({
      'User-Agent': EDGE,
      'Sec-CH-UA-Platform': '"Windows"',
      'Sec-CH-UA-Platform-Version': '"19.0.0"',
    });
    expect(probedProperties(body)).toMatchObject({ os: 'Windows', osVersion: '11' });
  });

  it('POST: same answer, and the caller cannot claim a device type', async () => {
    const response = await fetch(`${proxy.origin}/proxy`, {
      method: 'POST',
      headers: { Authorization: KEY, 'Content-Type': 'application/json', 'User-Agent': EDGE },
      body: JSON.stringify({ context: { userId: '1', properties: { deviceType: 'mobile' } } }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as unknown;
    expect(probedProperties(body).deviceType).toBe('desktop');
    expect(enabledFlags(body)).toEqual([]);
  });
});
