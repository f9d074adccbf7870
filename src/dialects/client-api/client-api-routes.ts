import { createHash } from 'node:crypto';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import { NotFoundError, NotReadyError } from '../../errors.js';
import type { LiveFlagSet } from '../../evaluation/live-flags.js';
import { ifNoneMatchHits } from '../../http/etag.js';
import { readJsonBody } from '../../http/json-body.js';
import type { ProxyContext, ProxyState } from '../../http/state.js';
import type { ToggleUsage } from '../../metrics/usage-payload.js';
import { checkRegistration, parseUsageReport } from '../../metrics/usage-payload.js';
import { addRoute } from '../../routing/define-route.js';
import { parseBulkMetrics } from './bulk-metrics.js';
import {
  getApiClientFeature,
  getApiClientFeatures,
  postApiClientMetrics,
  postApiClientMetricsBulk,
  postApiClientRegister,
} from './client-api-definitions.js';

export interface ClientApiRoutesDeps {
  readonly bodyLimitBytes: number;
  /** Rate limits and the backend token guard, in order. */
  readonly guards: readonly Middleware<ProxyState>[];
  /** The flags of the request's grant (its environment, filtered to its projects). */
  readonly flagSetOf: (ctx: ProxyContext) => LiveFlagSet | undefined;
  /** Records usage counts for the grant's environment. */
  readonly recordUsage: (ctx: ProxyContext, toggles: readonly ToggleUsage[]) => void;
}

/** `namePrefix` and `project` (repeatable) as Unleash's client API reads them. */
function readFilters(ctx: ProxyContext): { namePrefix?: string; projects?: string[] } {
  const params = new URLSearchParams(ctx.querystring);
  const namePrefix = params.get('namePrefix') ?? undefined;
  const projects = params.getAll('project').filter((project) => project !== '');
  return {
    ...(namePrefix !== undefined && namePrefix !== '' ? { namePrefix } : {}),
    ...(projects.length > 0 ? { projects } : {}),
  };
}

function flagSetOrNotReady(deps: ClientApiRoutesDeps, ctx: ProxyContext): LiveFlagSet {
  const flagSet = deps.flagSetOf(ctx);
  if (flagSet === undefined) throw new NotReadyError();
  return flagSet;
}

/**
 * Unleash's client API for backend SDKs with backend tokens: flag definitions of the token's
 * environment and projects (with Unleash's filters and an ETag), usage reports forwarded with
 * a configured token of that environment, registrations answered locally.
 */
export function clientApiRoutes(deps: ClientApiRoutesDeps): Router<ProxyState> {
  const router = new Router<ProxyState>();
  const { guards } = deps;

  addRoute(router, getApiClientFeatures, ...guards, (ctx) => {
    const { snapshot } = flagSetOrNotReady(deps, ctx);
    const filters = readFilters(ctx);
    const etag = `"${createHash('sha1')
      .update(
        `${snapshot.fingerprint}|${filters.namePrefix ?? ''}|${(filters.projects ?? []).join(',')}`,
      )
      .digest('base64url')
      .slice(0, 22)}"`;
    ctx.set('ETag', etag);
    ctx.set('Cache-Control', 'no-cache');
    if (ifNoneMatchHits(ctx.get('If-None-Match'), etag)) {
      ctx.status = 304;
      return;
    }
    const projects = filters.projects === undefined ? undefined : new Set(filters.projects);
    const features = snapshot.features.filter(
      (feature) =>
        (filters.namePrefix === undefined || feature.name.startsWith(filters.namePrefix)) &&
        (projects === undefined || projects.has(feature.project ?? 'default')),
    );
    const query = {
      ...(filters.projects !== undefined ? { project: filters.projects } : {}),
      ...(filters.namePrefix !== undefined ? { namePrefix: filters.namePrefix } : {}),
      environment: ctx.state.grant?.environment,
    };
    ctx.body = { version: 2, features, segments: snapshot.segments, query };
  });

  addRoute(router, getApiClientFeature, ...guards, (ctx) => {
    const { snapshot } = flagSetOrNotReady(deps, ctx);
    const name = String(ctx.params.name ?? '');
    const feature = snapshot.features.find((candidate) => candidate.name === name);
    if (feature === undefined) throw new NotFoundError();
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = feature;
  });

  addRoute(router, postApiClientMetrics, ...guards, async (ctx) => {
    const report = parseUsageReport(await readJsonBody(ctx, deps.bodyLimitBytes));
    deps.recordUsage(ctx, report.toggles);
    ctx.status = 202;
  });

  addRoute(router, postApiClientMetricsBulk, ...guards, async (ctx) => {
    deps.recordUsage(ctx, parseBulkMetrics(await readJsonBody(ctx, deps.bodyLimitBytes)));
    ctx.status = 202;
  });

  addRoute(router, postApiClientRegister, ...guards, async (ctx) => {
    checkRegistration(await readJsonBody(ctx, deps.bodyLimitBytes));
    ctx.status = 202;
  });

  return router;
}
