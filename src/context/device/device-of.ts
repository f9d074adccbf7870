import type { IncomingHttpHeaders } from 'node:http';
import Bowser from 'bowser';
import { isbot } from 'isbot';
import type { DEVICE_PROPERTIES } from '../../config/context-options.js';

export type DeviceProperty = (typeof DEVICE_PROPERTIES)[number];
export type Device = Partial<Record<DeviceProperty, string>>;

/**
 * Real user agents are a few hundred characters; a longer header is cut before parsing so
 * that a client cannot make the parser's regular expressions, or the cache, work harder.
 */
const MAX_USER_AGENT_LENGTH = 512;

/** What a browser sends of the User-Agent client hints (Chromium sends the first three unasked). */
export interface UserAgentHeaders {
  readonly userAgent: string;
  readonly brands: string;
  readonly mobile: string;
  readonly platform: string;
  readonly platformVersion: string;
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  const text = Array.isArray(value) ? value.join(', ') : (value ?? '');
  return text.length > MAX_USER_AGENT_LENGTH ? text.slice(0, MAX_USER_AGENT_LENGTH) : text;
}

export function userAgentHeaders(headers: IncomingHttpHeaders): UserAgentHeaders {
  return {
    userAgent: header(headers, 'user-agent'),
    brands: header(headers, 'sec-ch-ua'),
    mobile: header(headers, 'sec-ch-ua-mobile'),
    platform: header(headers, 'sec-ch-ua-platform'),
    platformVersion: header(headers, 'sec-ch-ua-platform-version'),
  };
}

/** One string per distinct set of headers, the key of the device cache. */
export function userAgentKey(sent: UserAgentHeaders): string {
  return `${sent.userAgent}\n${sent.brands}\n${sent.mobile}\n${sent.platform}\n${sent.platformVersion}`;
}

/** `"Windows"` (a structured-header string) -> `Windows`. */
function unquote(value: string): string {
  const trimmed = value.trim();
  return trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
}

/** `"Chromium";v="142", "Google Chrome";v="142"` -> brands with their versions. */
function parseBrands(value: string): { brand: string; version: string }[] {
  return [...value.matchAll(/"([^"]*)"\s*;\s*v="([^"]*)"/g)].map((match) => ({
    brand: match[1] ?? '',
    version: match[2] ?? '',
  }));
}

function major(version: string | undefined): string | undefined {
  const digits = /^\d+/.exec(version ?? '')?.[0];
  return digits === undefined ? undefined : String(Number(digits));
}

/**
 * Windows reports 10 and 11 alike in User-Agent ("Windows NT 10.0"); the platform-version
 * hint tells them apart: 13 and above is Windows 11.
 */
function windowsVersion(platformVersion: string): string | undefined {
  const first = Number(major(platformVersion));
  if (!Number.isFinite(first) || first === 0) return undefined;
  return first >= 13 ? '11' : '10';
}

function osVersionOf(os: string, hintVersion: string, parsed: Bowser.Parser.OSDetails) {
  if (hintVersion !== '') {
    if (os === 'Windows') return windowsVersion(hintVersion);
    return hintVersion;
  }
  if (os === 'Windows') return parsed.versionName;
  return parsed.version;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * Browser, major browser version, OS, OS version and device type from the User-Agent header
 * and, where the browser sent them, the client hints (which are more precise: Windows 11,
 * a phone's real platform version). A bot is recognised by bowser or isbot's longer list.
 */
export function deviceOf(sent: UserAgentHeaders): Device {
  if (sent.userAgent === '' && sent.platform === '') return {};
  const hintPlatform = unquote(sent.platform);
  const hintVersion = unquote(sent.platformVersion);
  const brands = parseBrands(sent.brands);
  const hints: Bowser.ClientHints = {
    ...(brands.length > 0 ? { brands } : {}),
    ...(sent.mobile === '' ? {} : { mobile: sent.mobile.trim() === '?1' }),
    ...(hintPlatform === '' ? {} : { platform: hintPlatform }),
    ...(hintVersion === '' ? {} : { platformVersion: hintVersion }),
  };
  const parsed = Bowser.parse(sent.userAgent, hints);
  const device: Device = {};
  const browser = nonEmpty(parsed.browser.name);
  if (browser !== undefined) device.browser = browser;
  const browserVersion = major(parsed.browser.version);
  if (browserVersion !== undefined) device.browserVersion = browserVersion;
  const os =
    nonEmpty(hintPlatform === 'Unknown' ? undefined : hintPlatform) ?? nonEmpty(parsed.os.name);
  if (os !== undefined) {
    device.os = os;
    const osVersion = nonEmpty(osVersionOf(os, hintVersion, parsed.os));
    if (osVersion !== undefined) device.osVersion = osVersion;
  }
  const deviceType = deviceTypeOf(sent, parsed.platform.type);
  if (deviceType !== undefined) device.deviceType = deviceType;
  return device;
}

function deviceTypeOf(sent: UserAgentHeaders, parsedType: string | undefined) {
  if (parsedType === 'bot' || (sent.userAgent !== '' && isbot(sent.userAgent))) return 'bot';
  if (sent.mobile.trim() === '?1' && parsedType !== 'tablet') return 'mobile';
  return nonEmpty(parsedType);
}
