import { describe, expect, it } from 'vitest';
import { deviceOf, userAgentHeaders } from '../../../src/context/device/device-of.js';

// User-Agent strings as current browsers send them (late 2025).
const AGENTS = {
  chromeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
  safariIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1',
  safariIpad:
    'Mozilla/5.0 (iPad; CPU OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0',
  firefoxMac:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:145.0) Gecko/20100101 Firefox/145.0',
  edgeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0',
  chromeAndroid:
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36',
  googlebot:
    'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.7444.175 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  bingbot:
    'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36',
  curl: 'curl/8.14.1',
};

const device = (headers: Record<string, string>) => deviceOf(userAgentHeaders(headers));

describe('device from User-Agent', () => {
  it.each([
    [
      'Chrome on Windows',
      AGENTS.chromeWindows,
      {
        browser: 'Chrome',
        browserVersion: '142',
        os: 'Windows',
        osVersion: '10',
        deviceType: 'desktop',
      },
    ],
    [
      'Safari on iPhone',
      AGENTS.safariIphone,
      {
        browser: 'Safari',
        browserVersion: '18',
        os: 'iOS',
        osVersion: '18.6',
        deviceType: 'mobile',
      },
    ],
    [
      'Safari on iPad',
      AGENTS.safariIpad,
      {
        browser: 'Safari',
        browserVersion: '18',
        os: 'iOS',
        osVersion: '18.6',
        deviceType: 'tablet',
      },
    ],
    [
      'Firefox on Linux',
      AGENTS.firefoxLinux,
      { browser: 'Firefox', browserVersion: '145', os: 'Linux', deviceType: 'desktop' },
    ],
    [
      'Firefox on macOS',
      AGENTS.firefoxMac,
      {
        browser: 'Firefox',
        browserVersion: '145',
        os: 'macOS',
        osVersion: '10.15',
        deviceType: 'desktop',
      },
    ],
    [
      'Edge on Windows',
      AGENTS.edgeWindows,
      {
        browser: 'Microsoft Edge',
        browserVersion: '142',
        os: 'Windows',
        osVersion: '10',
        deviceType: 'desktop',
      },
    ],
    [
      'Chrome on Android',
      AGENTS.chromeAndroid,
      {
        browser: 'Chrome',
        browserVersion: '142',
        os: 'Android',
        osVersion: '10',
        deviceType: 'mobile',
      },
    ],
    ['Googlebot', AGENTS.googlebot, { browser: 'Googlebot', deviceType: 'bot' }],
    ['Bingbot', AGENTS.bingbot, { deviceType: 'bot' }],
    ['curl', AGENTS.curl, { deviceType: 'bot' }],
  ])('%s', (_name, userAgent, expected) => {
    expect(device({ 'user-agent': userAgent })).toMatchObject(expected);
  });

  it('no User-Agent: nothing', () => {
    expect(device({})).toEqual({});
  });
});

describe('device from client hints', () => {
  it('Windows 11 is told from 10 by Sec-CH-UA-Platform-Version', () => {
    const hints = {
      'user-agent': AGENTS.chromeWindows,
      'sec-ch-ua': '"Chromium";v="142", "Google Chrome";v="142", "Not_A Brand";v="99"',
      'sec-ch-ua-mobile': '?0',
      'sec-ch-ua-platform': '"Windows"',
    };
    expect(device(hints)).toMatchObject({ os: 'Windows', osVersion: '10' });
    expect(device({ ...hints, 'sec-ch-ua-platform-version': '"19.0.0"' })).toMatchObject({
      os: 'Windows',
      osVersion: '11',
      deviceType: 'desktop',
    });
  });

  it("Android's frozen User-Agent: the hints give the real version; ?1 is mobile", () => {
    expect(
      device({
        'user-agent': AGENTS.chromeAndroid,
        'sec-ch-ua-mobile': '?1',
        'sec-ch-ua-platform': '"Android"',
        'sec-ch-ua-platform-version': '"15.0.0"',
      }),
    ).toMatchObject({ os: 'Android', osVersion: '15.0.0', deviceType: 'mobile' });
  });

  it('a brand in Sec-CH-UA names the browser the User-Agent hides (Brave)', () => {
    expect(
      device({
        'user-agent': AGENTS.chromeWindows,
        'sec-ch-ua': '"Brave";v="142", "Chromium";v="142", "Not_A Brand";v="24"',
      }),
    ).toMatchObject({ browser: 'Brave', browserVersion: '142' });
  });
});
