import Koa, { type Middleware } from 'koa';
import type { DestinationStream } from 'pino';
import { type Env, loadConfig, type ProxyConfig, type ProxyOptions } from './config/load-config.js';
import { type ContextStep, createContextStep } from './context/context-step.js';
import { createEnrichment } from './context/enrich-context.js';
import type { EvaluationPipeline } from './dialects/evaluation-endpoint.js';
import { proxyRoutes } from './dialects/proxy/proxy-routes.js';
import { compileEvaluator } from './evaluation/compile/index.js';
import { EvaluationService } from './evaluation/evaluation-service.js';
import type { LiveFlags } from './evaluation/live-flags.js';
import type { ProxyState } from './http/state.js';
import { createLogger, type Logger } from './logger.js';
import { createUsageByEnvironment } from './metrics/usage-by-environment.js';
import { CredentialChecker, requireCredential } from './middleware/client-key-auth.js';
import { ConnectionDrain } from './middleware/connection-drain.js';
import { type RateLimitGuards, rateLimitGuards } from './middleware/rate-limit.js';
import { requireReady } from './middleware/readiness.js';
import { docsRoutes } from './openapi/docs-routes.js';
import { guardStrategy, type StrategyLike } from './plugins/guard-strategy.js';
import { assertNoPluginFiles, checkStrategyNames, type Plugins } from './plugins/load-plugins.js';
import { throttledLog } from './plugins/throttled-log.js';
import type { ContextEnricher } from './plugins/types.js';
import { createPush, scopeSnapshots } from './push/create-push.js';
import { FlagChangeNotifier } from './push/flag-change-notifier.js';
import { healthRoutes } from './routes/health-routes.js';
import { createSdkAndBackstage } from './routes/sdk-and-backstage.js';
import { mountRoutes } from './routing/mount-routes.js';
import { createTokenAccess } from './scopes/index.js';
import { ScopeSync } from './scopes/scope-sync.js';
import { type ProxyApp, servingApp } from './serving-app.js';
import { useSharedMiddleware } from './shared-middleware.js';
import { streamingRouters } from './streaming-routers.js';
import { syncFlags } from './sync-flags.js';
import { grantPipeline, tokenDialects } from './token-dialects.js';
import { createTracing } from './tracing/create-tracing.js';
import { upstreamSpans } from './tracing/upstream-spans.js';
import type { FlagStore } from './unleash/flag-store.js';
import { readEnvironmentFlags, readOfflineFlags } from './unleash/offline-flags.js';
import { NO_UPSTREAM_TRACING } from './unleash/upstream-tracer.js';

/** The key that works with the bundled example flags when no key is configured. */
export const DEMO_CLIENT_KEY = 'demo-client-key';

export type { ProxyApp } from './serving-app.js';

export interface CreateAppOptions extends ProxyOptions {
  /**
   * Custom strategies as instances (of unleash-client's Strategy, or plain `{ name, isEnabled }`
   * objects), in addition to UNLEASH_CUSTOM_STRATEGIES_FILE.
   */
  readonly customStrategies?: readonly StrategyLike[];
  /** Context enrichers as functions, run before those of EXP_CUSTOM_ENRICHERS_FILE. */
  readonly customEnrichers?: readonly ContextEnricher[];
  /** The original proxy's name for `customEnrichers`; both are accepted. */
  readonly expCustomEnrichers?: readonly ContextEnricher[];
  /** Where log lines go; stdout by default. */
  readonly logDestination?: DestinationStream;
  /**
   * Called with the Koa app before the routes are mounted, as the original's `preHook` was
   * with its Express app: middleware it adds runs for every request, GET /proxy included,
   * after the proxy's own (errors, log, metrics, CORS, compression, client IP, query limits)
   * and before the routes and their guards.
   */
  readonly preHook?: (koa: Koa<ProxyState>) => void;
}

/**
 * Builds the proxy from options given in code and, for what they leave out, the environment.
 * Configuration errors are thrown here, all together, before anything starts. Strategy and
 * enricher files load asynchronously: with UNLEASH_CUSTOM_STRATEGIES_FILE or
 * EXP_CUSTOM_ENRICHERS_FILE set, use `await createProxy()` (create-proxy.ts) instead.
 */
export function createApp(options: CreateAppOptions = {}, env: Env = process.env): ProxyApp {
  const config = loadConfig(env, options);
  assertNoPluginFiles(config);
  return assembleApp(config, options, pluginsGivenInCode(options));
}

/** The custom strategies and enrichers passed as values in code. */
export function pluginsGivenInCode(options: CreateAppOptions): Plugins {
  return {
    strategies: options.customStrategies ?? [],
    enrichers: [...(options.customEnrichers ?? []), ...(options.expCustomEnrichers ?? [])],
  };
}

/** Composes the app from a loaded configuration and loaded plugins (createApp, createProxy). */
export function assembleApp(
  config: ProxyConfig,
  options: CreateAppOptions,
  plugins: Plugins,
): ProxyApp {
  const logger = createLogger({
    level: config.logLevel,
    json: config.jsonLogger,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
    ...(config.programmatic.logger ? { forwardTo: config.programmatic.logger } : {}),
  });
  const offlineFlags =
    config.mode === 'online' ? undefined : readOfflineFlags(config.bootstrapFile);
  // Offline, UNLEASH_BOOTSTRAP_FILES: each environment's own file, checked before the start.
  const environmentFiles = readEnvironmentFlags(config.bootstrapFiles);
  // loadConfig requires keys except on the bundled example flags, where the demo key works.
  const clientKeys = config.allClientKeys.length > 0 ? config.allClientKeys : [DEMO_CLIENT_KEY];
  const { strategies, enrich } = guardPlugins(config, plugins, logger);
  // Reads PROXY_GEOIP_DATABASE: a bad file stops the start here, before any sync or listen.
  const contextStep = createContextStep({ config, logger, enrich });
  // Off (undefined) unless an OTLP endpoint is configured: then nothing below traces.
  const tracing = createTracing(config);
  const upstream = tracing ? upstreamSpans(tracing) : NO_UPSTREAM_TRACING;
  const { store, flags } = syncFlags(config, logger, strategies, offlineFlags, upstream);
  const checker = new CredentialChecker(clientKeys, config.serverSideSdkTokens);
  // Unleash tokens: one sync per configured scope, one flag set per environment (src/scopes).
  const scopeSync = new ScopeSync({
    config,
    logger,
    strategies,
    buildEvaluator: (snapshot) => compileEvaluator(snapshot, { customStrategies: strategies }),
    primary: { store, flags },
    environmentFiles,
    upstream,
  });
  const notifier = notifyFlagChanges(store, flags, scopeSync);
  const tokens = createTokenAccess(config, logger, scopeSync, upstream);
  scopeSync.watch(tokens.resolver);
  tokens.resolver.start();
  // Usage metrics, registration, server-side SDK config, readiness and Prometheus.
  const sdkAndBackstage = createSdkAndBackstage({
    config,
    logger,
    store,
    flags,
    checker,
    requireReady: requireReady(flags),
    strategies,
    upstream,
    environmentFlags: () => scopeSync.environmentFlagCounts(),
    scopesNotReady: () => scopeSync.readiness().notReady,
  });
  sdkAndBackstage.start();
  const usageByEnvironment = createUsageByEnvironment({
    config,
    logger,
    scopeSync,
    primary: sdkAndBackstage.usage,
    metrics: sdkAndBackstage.metrics,
    registration: sdkAndBackstage.registration,
  });

  const koa = new Koa<ProxyState>();
  koa.silent = true;
  const drain = new ConnectionDrain();
  useSharedMiddleware(koa, {
    config,
    logger,
    drain,
    requestMetrics: sdkAndBackstage.requestMetrics,
    tracing,
  });
  options.preHook?.(koa);
  const pipeline = evaluationPipeline(flags, contextStep);
  const push = createPush(config, notifier); // event streams (src/push)
  // OFREP takes client keys (the default flag set) and frontend tokens (their scope's).
  const ofrepPipeline = grantPipeline(pipeline, scopeSync, pipeline.flagSetOf);
  const rateLimits = rateLimitGuards(config); // empty unless PROXY_RATE_LIMIT_* is set
  // The original proxy's /proxy routes, what most SDKs poll, are matched first and alone.
  const polledRoutes = proxyRoutes({
    limits: config,
    enableAllEndpoint: config.enableAllEndpoint,
    pipeline,
    guards: apiGuards(config, flags, checker, rateLimits),
  });
  const routers = [
    healthRoutes(flags),
    ...streamingRouters({
      config,
      rateLimits,
      flags,
      checker,
      clientKeys,
      notifier,
      pipeline: ofrepPipeline,
      push,
      unleashTokens: {
        access: tokens.access,
        metrics: sdkAndBackstage.metrics,
        onRevoked: (listener) => tokens.resolver.onRevoked(listener),
      },
    }),
    ...tokenDialects({
      config,
      rateLimits,
      scopeSync,
      tokens,
      usageByEnvironment,
      sdkAndBackstage,
      pipeline,
    }),
    ...sdkAndBackstage.routers,
  ];
  if (config.enableOAS) routers.push(docsRoutes(config)); // OpenAPI document and Swagger UI
  mountRoutes(koa, config.proxyBasePath, [[polledRoutes], routers]);

  return servingApp({
    config,
    koa,
    logger,
    clientKeys,
    drain,
    endStreams: () => push.close(),
    ready: async () => {
      await store.ready();
      await scopeSync.ready();
    },
    stopWork: async () => {
      await sdkAndBackstage.close();
      await usageByEnvironment.close();
      await tokens.resolver.close();
      await scopeSync.close();
      await store.close();
      contextStep.close();
      // Last, so that the spans of the final metrics upload are exported too.
      await tracing?.shutdown();
    },
  });
}

/** User strategies fail closed and user enrichers fail the request, never the process. */
function guardPlugins(config: ProxyConfig, plugins: Plugins, logger: Logger) {
  checkStrategyNames(plugins.strategies);
  const pluginFailureLog = throttledLog({ logger });
  return {
    strategies: plugins.strategies.map((strategy) => guardStrategy(strategy, pluginFailureLog)),
    enrich: createEnrichment({
      enrichers: plugins.enrichers,
      clientKeyHeader: config.clientKeysHeaderName,
      environmentOverride: config.environment,
      log: pluginFailureLog,
    }),
  };
}

/**
 * Push: after every flag update (the primary store's, or a scope's rebuilt environment) the
 * notifier compares the flags of each scope key streams follow. Subscribed after the stores'
 * own listeners, so the evaluators are new first: a client told of a change and refetching at
 * once gets the new flags.
 */
function notifyFlagChanges(
  store: FlagStore,
  flags: LiveFlags,
  scopeSync: ScopeSync,
): FlagChangeNotifier {
  const notifier = new FlagChangeNotifier(
    scopeSnapshots(() => flags.current()?.snapshot, scopeSync),
  );
  store.onUpdate(() => notifier.refresh());
  scopeSync.onRebuild(() => notifier.refresh());
  return notifier;
}

/** What runs before every API route: readiness, then rate limits around the key check. */
function apiGuards(
  config: ProxyConfig,
  flags: LiveFlags,
  checker: CredentialChecker,
  rateLimits: RateLimitGuards,
): Middleware<ProxyState>[] {
  return [
    requireReady(flags),
    ...rateLimits.beforeAuth,
    requireCredential(checker, config.clientKeysHeaderName),
    ...rateLimits.afterAuth,
  ];
}

/** What every evaluation endpoint shares: the flag set, the context, the evaluation service. */
function evaluationPipeline(flags: LiveFlags, contextStep: ContextStep): EvaluationPipeline {
  return {
    flagSetOf: () => flags.current(),
    prepareContext: contextStep.prepare,
    service: new EvaluationService(),
    // Without location, device or enrichers, a context depends on the request and the IP only.
    ...(contextStep.readsOnlyClientIp ? { contextKey: (ctx) => ctx.state.clientIp } : {}),
  };
}
