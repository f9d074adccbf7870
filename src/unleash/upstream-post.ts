import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUPPORTED_SPEC_VERSION } from 'unleash-client/lib/repository/index.js';
import { post } from 'unleash-client/lib/request.js';
import { defaultStrategies } from 'unleash-client/lib/strategy/index.js';
import type { ProxyConfig } from '../config/load-config.js';
import { packageRoot } from '../package-root.js';
import { unleashHttpOptions } from './http-options.js';
import type { Strategy } from './types.js';
import { NO_UPSTREAM_TRACING, type UpstreamTracer } from './upstream-tracer.js';

/** Posts a JSON body to a path of the Unleash API; resolves with the HTTP status. */
export type UnleashPoster = (
  path: 'client/metrics' | 'client/register',
  body: object,
) => Promise<number>;

/** The fields unleash-client adds to its metrics and registration payloads. */
export function sdkPlatformFields(): Record<string, string | null> {
  return {
    platformName: 'node',
    platformVersion: process.versions.node,
    yggdrasilVersion: null,
    specVersion: SUPPORTED_SPEC_VERSION,
  };
}

/** What the proxy registers with: its version and the strategies it can evaluate. */
export function registrationFields(customStrategies: readonly Strategy[]): Record<string, unknown> {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
    name?: unknown;
    version?: unknown;
  };
  return {
    sdkVersion: `${String(manifest.name)}:${String(manifest.version)}`,
    strategies: [...defaultStrategies, ...customStrategies].map((strategy) => strategy.name),
    ...sdkPlatformFields(),
  };
}

/**
 * Posts to Unleash through unleash-client's own HTTP layer, so that the proxy's uploads go
 * the way its polls go: same agent, HTTP(S)_PROXY support, TLS setting, API token and the
 * SDK's identifying headers. No retry happens here (make-fetch-happen does none for a POST
 * by default); the caller decides what a failure means. Throws on network errors.
 */
export function createUnleashPoster(
  config: ProxyConfig,
  unleashUrl: string,
  upstream: UpstreamTracer = NO_UPSTREAM_TRACING,
): UnleashPoster {
  const base = unleashUrl.endsWith('/') ? unleashUrl : `${unleashUrl}/`;
  const connectionId = randomUUID();
  return async (path, body) => {
    const url = new URL(path, base).toString();
    const span = upstream.start(
      path === 'client/metrics' ? 'upload metrics' : 'register',
      'POST',
      url,
    );
    try {
      const status = await postJson(url, body, span.headers);
      span.end({ status });
      return status;
    } catch (error) {
      span.end({ error });
      throw error;
    }
  };

  async function postJson(
    url: string,
    body: object,
    traceHeaders: Readonly<Record<string, string>>,
  ): Promise<number> {
    const response = await post({
      url,
      json: body as Record<string, unknown>,
      appName: config.unleashAppName,
      instanceId: config.unleashInstanceId,
      connectionId,
      interval: config.metricsInterval,
      headers: {
        ...traceHeaders,
        ...(config.unleashApiToken ? { Authorization: config.unleashApiToken } : {}),
      },
      httpOptions: unleashHttpOptions(config),
      timeout: 10_000,
    });
    // Read the answer so that the keep-alive socket goes back to the pool.
    await response.text().catch(() => '');
    return response.status;
  }
}
