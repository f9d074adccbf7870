import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { ProxyConfig } from '../config/load-config.js';
import type { LiveFlags } from '../evaluation/live-flags.js';
import { readJsonBody } from '../http/json-body.js';
import type { ProxyState } from '../http/state.js';
import { checkRegistration, parseUsageReport } from '../metrics/usage-payload.js';
import type { UsagePipeline } from '../metrics/usage-pipeline.js';
import { addRoute } from '../routing/define-route.js';
import {
  getClientFeatures,
  postAllClientMetrics,
  postClientMetrics,
  postClientRegister,
} from './client-definitions.js';

export interface ClientRoutesDeps {
  config: ProxyConfig;
  flags: LiveFlags;
  usage: UsagePipeline;
  /** Client key or server-side SDK token. */
  requireSdk: Middleware<ProxyState>;
  /** Server-side SDK token only. */
  requireServer: Middleware<ProxyState>;
  requireReady: Middleware<ProxyState>;
}

/**
 * The Unleash client API as SDKs pointed at the proxy call it: usage reports (frontend SDKs
 * post them under /proxy or /proxy/all, backend SDKs under /proxy), registrations, and for
 * backend SDKs the full flag configuration.
 */
export function clientRoutes({
  config,
  flags,
  usage,
  requireSdk,
  requireServer,
  requireReady,
}: ClientRoutesDeps): Router<ProxyState> {
  const router = new Router<ProxyState>();

  const recordUsage: Middleware<ProxyState> = async (ctx) => {
    const report = parseUsageReport(await readJsonBody(ctx, config.bodyLimitBytes));
    usage.record(report.toggles);
    ctx.status = 200;
  };
  addRoute(router, postClientMetrics, requireSdk, recordUsage);
  addRoute(router, postAllClientMetrics, requireSdk, recordUsage);

  addRoute(router, postClientRegister, requireSdk, async (ctx) => {
    checkRegistration(await readJsonBody(ctx, config.bodyLimitBytes));
    ctx.status = 200;
  });

  addRoute(router, getClientFeatures, requireReady, requireServer, (ctx) => {
    const live = flags.current();
    if (live === undefined) return; // unreachable: the readiness guard ran first
    const { snapshot } = live;
    // The fingerprint is a digest of features and segments: equal content, equal tag.
    ctx.set('ETag', `"${snapshot.fingerprint}"`);
    ctx.set('Cache-Control', 'no-cache');
    ctx.status = 200;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    const query: Record<string, unknown> = {};
    if (config.projectName !== undefined) query.project = [config.projectName];
    if (config.namePrefix !== undefined) query.namePrefix = config.namePrefix;
    ctx.body = {
      version: 2,
      features: snapshot.features,
      segments: snapshot.segments,
      ...(Object.keys(query).length > 0 ? { query } : {}),
    };
  });

  return router;
}
