import type { AddressInfo } from 'node:net';
import type { ProxyApp } from '../app.js';
import type { Plugins } from '../plugins/load-plugins.js';
import { upstreamForLogs } from '../unleash/sync-scope.js';

export interface StartLine {
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * The one line an operator sees when the proxy starts, whatever LOG_LEVEL (but silent): where
 * it listens, its mode, the Unleash it follows (without credentials) and the plugins loaded.
 */
export function startLine(
  app: ProxyApp,
  plugins: Plugins,
  address: AddressInfo | string | null,
  version: string,
): StartLine {
  const { config } = app;
  const listening =
    address === null || typeof address === 'string'
      ? String(address)
      : `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  return {
    message: `unleash-koa-proxy ${version} listening on ${listening}`,
    fields: {
      basePath: config.proxyBasePath === '' ? '/' : config.proxyBasePath,
      mode: config.mode,
      ...(config.unleashUrl === undefined ? {} : { upstream: upstreamForLogs(config.unleashUrl) }),
      strategies: plugins.strategies.map((strategy) => strategy.name),
      enrichers: plugins.enrichers.length,
    },
  };
}
