import type Router from '@koa/router';
import type { ProxyConfig } from './config/load-config.js';
import type { RequestedContext } from './context/build-context.js';
import { clientApiRoutes } from './dialects/client-api/client-api-routes.js';
import type { EvaluationPipeline } from './dialects/evaluation-endpoint.js';
import { frontendRoutes } from './dialects/frontend/frontend-routes.js';
import type { LiveFlagSet } from './evaluation/live-flags.js';
import { readJsonBody } from './http/json-body.js';
import type { ProxyContext, ProxyState } from './http/state.js';
import type { UsageByEnvironment } from './metrics/usage-by-environment.js';
import { checkRegistration, parseUsageReport, type ToggleUsage } from './metrics/usage-payload.js';
import { countEnvironment } from './middleware/environment-metrics.js';
import type { RateLimitGuards } from './middleware/rate-limit.js';
import { requireUnleashToken } from './middleware/unleash-token-auth.js';
import type { SdkAndBackstage } from './routes/sdk-and-backstage.js';
import type { createTokenAccess } from './scopes/index.js';
import type { ScopeSync } from './scopes/scope-sync.js';

/**
 * Unleash's frontend API (frontend tokens) and client API (backend tokens): the same pipeline
 * and evaluation service as /proxy, the flag set of the token's scope, the token's environment
 * as the context's default (a caller's own value only feeds `environment` constraints).
 */
export function tokenDialects(parts: {
  config: ProxyConfig;
  rateLimits: RateLimitGuards;
  scopeSync: ScopeSync;
  tokens: ReturnType<typeof createTokenAccess>;
  usageByEnvironment: UsageByEnvironment;
  sdkAndBackstage: SdkAndBackstage;
  pipeline: EvaluationPipeline;
}): Router<ProxyState>[] {
  const { config, rateLimits, scopeSync, tokens, usageByEnvironment, sdkAndBackstage, pipeline } =
    parts;
  const tokenPipeline = grantPipeline(pipeline, scopeSync, () => undefined);
  const { flagSetOf } = tokenPipeline;
  const tokenGuards = (kind: 'frontend' | 'backend') => [
    ...rateLimits.beforeAuth,
    requireUnleashToken(tokens.access, kind),
    ...rateLimits.afterAuth,
    countEnvironment(sdkAndBackstage.metrics, kind),
  ];
  const recordUsage = (ctx: ProxyContext, toggles: readonly ToggleUsage[]) => {
    const environment = ctx.state.grant?.environment;
    if (environment !== undefined) usageByEnvironment.usageFor(environment).record(toggles);
  };
  return [
    frontendRoutes({
      limits: config,
      enableAllEndpoint: config.enableAllEndpoint,
      pipeline: tokenPipeline,
      guards: tokenGuards('frontend'),
      recordUsage: async (ctx) => {
        const report = parseUsageReport(await readJsonBody(ctx, config.bodyLimitBytes));
        recordUsage(ctx, report.toggles);
        ctx.status = 200;
      },
      register: async (ctx) => {
        checkRegistration(await readJsonBody(ctx, config.bodyLimitBytes));
        ctx.status = 200;
      },
    }),
    clientApiRoutes({
      bodyLimitBytes: config.bodyLimitBytes,
      guards: tokenGuards('backend'),
      flagSetOf,
      recordUsage,
    }),
  ];
}

/**
 * The pipeline for requests an Unleash token may have granted: the flag set of the grant's
 * scope and the grant's environment as the context's default; `withoutGrant` otherwise.
 */
export function grantPipeline(
  pipeline: EvaluationPipeline,
  scopeSync: ScopeSync,
  withoutGrant: (ctx: ProxyContext) => LiveFlagSet | undefined,
): EvaluationPipeline {
  const { contextKey } = pipeline;
  // The grant's environment is a default of the context: part of what it depends on.
  const environmentKey = (ctx: ProxyContext) => {
    const environment = ctx.state.grant?.environment;
    return environment === undefined ? '-' : `=${environment}`;
  };
  return {
    flagSetOf: (ctx) =>
      ctx.state.grant ? scopeSync.flagSetFor(ctx.state.grant) : withoutGrant(ctx),
    prepareContext: (requested, ctx) =>
      pipeline.prepareContext(withTokenEnvironment(requested, ctx.state.grant?.environment), ctx),
    service: pipeline.service,
    ...(contextKey ? { contextKey: (ctx) => `${environmentKey(ctx)}\0${contextKey(ctx)}` } : {}),
  };
}

/** Unleash's frontend API: the token's environment, unless the caller named one. */
function withTokenEnvironment(
  requested: RequestedContext,
  environment: string | undefined,
): RequestedContext {
  if (requested.environment !== undefined || environment === undefined) return requested;
  return { ...requested, environment };
}
