import type { RequestListener, Server } from 'node:http';
import type Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import type { DestinationStream } from 'pino';
import { type Env, loadConfig, type ProxyConfig, type ProxyOptions } from './config/load-config.js';
import type { RequestedContext } from './context/build-context.js';
import { type ContextStep, createContextStep } from './context/context-step.js';
import { createEnrichment } from './context/enrich-context.js';
import { clientApiRoutes } from './dialects/client-api/client-api-routes.js';
import type { EvaluationPipeline } from './dialects/evaluation-endpoint.js';
import { frontendRoutes } from './dialects/frontend/frontend-routes.js';
import { ofrepRoutes } from './dialects/ofrep/ofrep-routes.js';
import { proxyRoutes } from './dialects/proxy/proxy-routes.js';
import { compileEvaluator } from './evaluation/compile/index.js';
import { EvaluationService } from './evaluation/evaluation-service.js';
import { type LiveFlagSet, LiveFlags } from './evaluation/live-flags.js';
import { createHttpServer } from './http/create-server.js';
import { readJsonBody } from './http/json-body.js';
import type { ProxyContext, ProxyState } from './http/state.js';
import { createLogger, type Logger } from './logger.js';
import type { ProxyMetrics } from './metrics/prometheus.js';
import {
  createUsageByEnvironment,
  type UsageByEnvironment,
} from './metrics/usage-by-environment.js';
import { checkRegistration, parseUsageReport, type ToggleUsage } from './metrics/usage-payload.js';
import { clientIp } from './middleware/client-ip.js';
import { CredentialChecker, requireCredential } from './middleware/client-key-auth.js';
import { compression } from './middleware/compression.js';
import { ConnectionDrain } from './middleware/connection-drain.js';
import { cors } from './middleware/cors.js';
import { countEnvironment } from './middleware/environment-metrics.js';
import { errorHandler } from './middleware/error-handler.js';
import { presentedOfrepCredential, requireOfrepCredential } from './middleware/ofrep-auth.js';
import { queryLimits } from './middleware/query-limits.js';
import { rateLimitGuards } from './middleware/rate-limit.js';
import { requireReady } from './middleware/readiness.js';
import { requestLog } from './middleware/request-log.js';
import { requireServerToken } from './middleware/sdk-auth.js';
import {
  requireStreamCredential,
  requireStreamsEnabled,
  StreamTokens,
} from './middleware/stream-auth.js';
import { tracingMiddleware } from './middleware/tracing.js';
import { trustedProxyResolver } from './middleware/trusted-proxies.js';
import { requireUnleashToken } from './middleware/unleash-token-auth.js';
import { docsRoutes } from './openapi/docs-routes.js';
import { guardStrategy, type StrategyLike } from './plugins/guard-strategy.js';
import { assertNoPluginFiles, checkStrategyNames, type Plugins } from './plugins/load-plugins.js';
import { throttledLog } from './plugins/throttled-log.js';
import type { ContextEnricher } from './plugins/types.js';
import { createPush, type Push } from './push/create-push.js';
import { FlagChangeNotifier } from './push/flag-change-notifier.js';
import { healthRoutes } from './routes/health-routes.js';
import type { SdkAndBackstage } from './routes/sdk-and-backstage.js';
import { createSdkAndBackstage } from './routes/sdk-and-backstage.js';
import { streamRoutes } from './routes/stream-routes.js';
import { mountRoutes } from './routing/mount-routes.js';
import { createTokenAccess, type TokenAccess } from './scopes/index.js';
import { ScopeSync } from './scopes/scope-sync.js';
import { createTracing, type Tracing } from './tracing/create-tracing.js';
import { upstreamSpans } from './tracing/upstream-spans.js';
import { createFlagStore, type FlagStore } from './unleash/flag-store.js';
import { readOfflineFlags } from './unleash/offline-flags.js';
import type { ClientFeaturesResponse, Strategy } from './unleash/types.js';
import { NO_UPSTREAM_TRACING, type UpstreamTracer } from './unleash/upstream-tracer.js';

/** The key that works with the bundled example flags when no key is configured. */
export const DEMO_CLIENT_KEY = 'demo-client-key';

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

export interface ProxyApp {
  readonly config: ProxyConfig;
  /**
   * The Koa app that answers every request. Middleware a program adds with `koa.use` before
   * `listen` runs after the proxy's own (errors, log, metrics, CORS, client IP...) and after
   * the routes; see `CreateAppOptions.preHook` for middleware that runs before the routes.
   */
  readonly koa: Koa<ProxyState>;
  /** The request listener `listen` uses (Koa's callback), for a server of your own. */
  readonly handleRequest: RequestListener;
  readonly logger: Logger;
  /** The client keys in force: the configured ones, or the demo key on the bundled flags. */
  readonly clientKeys: readonly string[];
  /** Starts an HTTP server for the app, as Koa's and Express's `listen` do. */
  listen(port?: number, host?: string, onListening?: () => void): Server;
  /** Resolves once the first flags are loaded and the API answers. */
  ready(): Promise<void>;
  /** Stops accepting connections, lets in-flight requests finish, then stops syncing. */
  close(): Promise<void>;
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
  // loadConfig requires keys except on the bundled example flags, where the demo key works.
  const clientKeys = config.allClientKeys.length > 0 ? config.allClientKeys : [DEMO_CLIENT_KEY];
  const { strategies, enrich } = guardPlugins(config, plugins, logger);
  // Reads PROXY_GEOIP_DATABASE: a bad file stops the start here, before any sync or listen.
  const contextStep = createContextStep({ config, logger, enrich });
  // Off (undefined) unless an OTLP endpoint is configured: then nothing below traces.
  const tracing = createTracing(config);
  const upstream = tracing ? upstreamSpans(tracing) : NO_UPSTREAM_TRACING;
  const { store, flags, notifier } = syncFlags(config, logger, strategies, offlineFlags, upstream);
  const checker = new CredentialChecker(clientKeys, config.serverSideSdkTokens);
  // Unleash tokens: one sync per configured scope, one flag set per environment (src/scopes).
  const scopeSync = new ScopeSync({
    config,
    logger,
    strategies,
    buildEvaluator: (snapshot) => compileEvaluator(snapshot, { customStrategies: strategies }),
    primary: { store, flags },
  });
  const tokens = createTokenAccess(config, logger, scopeSync);
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
  const routers = [
    healthRoutes(flags),
    proxyRoutes({
      limits: config,
      enableAllEndpoint: config.enableAllEndpoint,
      pipeline,
      guards: apiGuards(config, flags, checker),
    }),
    ...streamingRouters({
      config,
      flags,
      checker,
      clientKeys,
      notifier,
      pipeline: ofrepPipeline,
      push,
      unleashTokens: { access: tokens.access, metrics: sdkAndBackstage.metrics },
    }),
    ...tokenDialects({ config, scopeSync, tokens, usageByEnvironment, sdkAndBackstage, pipeline }),
    ...sdkAndBackstage.routers,
  ];
  if (config.enableOAS) routers.push(docsRoutes(config)); // OpenAPI document and Swagger UI
  mountRoutes(koa, config.proxyBasePath, routers);

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

/** The flags kept in sync with Unleash (or the offline file), compiled on every update. */
function syncFlags(
  config: ProxyConfig,
  logger: Logger,
  strategies: readonly Strategy[],
  offlineFlags: ClientFeaturesResponse | undefined,
  upstream: UpstreamTracer,
): { store: FlagStore; flags: LiveFlags; notifier: FlagChangeNotifier } {
  const flags = new LiveFlags((snapshot) =>
    compileEvaluator(snapshot, { customStrategies: strategies }),
  );
  const store = createFlagStore({
    config,
    logger,
    strategies,
    upstream,
    ...(offlineFlags ? { offlineFlags } : {}),
  });
  // The evaluator first: a stream told of a change makes clients refetch at once.
  const notifier = new FlagChangeNotifier();
  store.onUpdate((snapshot) => {
    flags.update(snapshot);
    notifier.update(snapshot);
  });
  return { store, flags, notifier };
}

/** The middleware every request goes through, in order (docs/architecture.md). */
function useSharedMiddleware(
  koa: Koa<ProxyState>,
  parts: {
    config: ProxyConfig;
    logger: Logger;
    drain: ConnectionDrain;
    requestMetrics: Middleware<ProxyState>;
    tracing: Tracing | undefined;
  },
): void {
  const { config } = parts;
  koa.use(parts.drain.middleware());
  if (parts.tracing) koa.use(tracingMiddleware(parts.tracing)); // only with OTEL_* set
  koa.use(requestLog(parts.logger));
  koa.use(parts.requestMetrics);
  koa.use(errorHandler());
  koa.use(cors(config));
  koa.use(compression()); // koa-compress when the request accepts an encoding
  koa.use(clientIp(trustedProxyResolver(config.trustProxy)));
  koa.use(queryLimits(config)); // query length, parameter count, encoding
}

/** What runs before every API route: readiness, then rate limits around the key check. */
function apiGuards(
  config: ProxyConfig,
  flags: LiveFlags,
  checker: CredentialChecker,
): Middleware<ProxyState>[] {
  const rateLimits = rateLimitGuards(config); // empty unless PROXY_RATE_LIMIT_* is set
  return [
    requireReady(flags),
    ...rateLimits.beforeAuth,
    requireCredential(checker, config.clientKeysHeaderName),
    ...rateLimits.afterAuth,
  ];
}

/**
 * OFREP (its evaluations and its event stream) and the event streams of the Unleash SDKs.
 * OFREP takes its key as Bearer, bare Authorization or X-API-Key; a browser's stream takes it
 * in the URL, as a token derived from the key.
 */
function streamingRouters(parts: {
  config: ProxyConfig;
  flags: LiveFlags;
  checker: CredentialChecker;
  clientKeys: readonly string[];
  notifier: FlagChangeNotifier;
  /** Grant-aware (client keys read the default flag set, frontend tokens their scope's). */
  pipeline: EvaluationPipeline;
  push: Push;
  unleashTokens: { access: TokenAccess; metrics: ProxyMetrics };
}): Router<ProxyState>[] {
  const { config, flags, checker, push } = parts;
  const rateLimits = rateLimitGuards(config);
  const streamTokens = new StreamTokens(checker, parts.clientKeys);
  // 503 not ready, then 401 no valid credential, then 501 disabled, as on every API route.
  const streamsEnabled = requireStreamsEnabled(config.streamsEnabled);
  const frontendGuards = [
    requireReady(flags),
    requireStreamCredential(streamTokens, config.clientKeysHeaderName),
    streamsEnabled,
  ];
  return [
    ofrepRoutes({
      settings: {
        bodyLimitBytes: config.bodyLimitBytes,
        mapping: { alwaysSendValue: config.ofrepAlwaysSendValue },
        notifier: parts.notifier,
        flagSetOf: parts.pipeline.flagSetOf,
        streams: config.streamsEnabled
          ? { tokens: streamTokens, eventsPath: `${config.proxyBasePath}/ofrep/v1/events` }
          : undefined,
      },
      pipeline: parts.pipeline,
      guards: [
        requireReady(flags),
        ...rateLimits.beforeAuth,
        requireOfrepCredential(
          checker,
          // The frontend API's own guard, reading the OFREP forms (X-API-Key too).
          requireUnleashToken(parts.unleashTokens.access, 'frontend', (ctx) =>
            presentedOfrepCredential((name) => ctx.get(name)),
          ),
        ),
        ...rateLimits.afterAuth,
        countEnvironment(parts.unleashTokens.metrics, 'frontend'), // token callers only
      ],
      push,
      streamGuards: frontendGuards,
    }),
    streamRoutes({
      push,
      frontendGuards,
      backendGuards: [
        requireReady(flags),
        requireServerToken(checker, config.clientKeysHeaderName),
        streamsEnabled,
      ],
    }),
  ];
}

/** What every evaluation endpoint shares: the flag set, the context, the evaluation service. */
function evaluationPipeline(flags: LiveFlags, contextStep: ContextStep): EvaluationPipeline {
  return {
    flagSetOf: () => flags.current(),
    prepareContext: contextStep.prepare,
    service: new EvaluationService(),
  };
}

/**
 * Unleash's frontend API (frontend tokens) and client API (backend tokens): the same pipeline
 * and evaluation service as /proxy, the flag set of the token's scope, the token's environment
 * as the context's default (a caller's own value only feeds `environment` constraints).
 */
function tokenDialects(parts: {
  config: ProxyConfig;
  scopeSync: ScopeSync;
  tokens: ReturnType<typeof createTokenAccess>;
  usageByEnvironment: UsageByEnvironment;
  sdkAndBackstage: SdkAndBackstage;
  pipeline: EvaluationPipeline;
}): Router<ProxyState>[] {
  const { config, scopeSync, tokens, usageByEnvironment, sdkAndBackstage, pipeline } = parts;
  const rateLimits = rateLimitGuards(config);
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
function grantPipeline(
  pipeline: EvaluationPipeline,
  scopeSync: ScopeSync,
  withoutGrant: (ctx: ProxyContext) => LiveFlagSet | undefined,
): EvaluationPipeline {
  return {
    flagSetOf: (ctx) =>
      ctx.state.grant ? scopeSync.flagSetFor(ctx.state.grant) : withoutGrant(ctx),
    prepareContext: (requested, ctx) =>
      pipeline.prepareContext(withTokenEnvironment(requested, ctx.state.grant?.environment), ctx),
    service: pipeline.service,
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

interface ServingParts {
  readonly config: ProxyConfig;
  readonly koa: Koa<ProxyState>;
  readonly logger: Logger;
  readonly clientKeys: readonly string[];
  readonly drain: ConnectionDrain;
  /** Ends the event streams, which never end on their own, so that the servers can close. */
  readonly endStreams: () => void;
  readonly ready: () => Promise<void>;
  /** Stops what runs besides the servers (usage forwarding, flag sync). */
  readonly stopWork: () => Promise<void>;
}

/** The app's servers: started by `listen`, closed (after their requests) by `close`. */
function servingApp(parts: ServingParts) {
  const { config, koa, logger, clientKeys, drain, endStreams, ready, stopWork } = parts;
  const listener = koa.callback();
  const servers = new Set<Server>();
  const app: ProxyApp = {
    config,
    koa,
    logger,
    clientKeys,
    handleRequest: listener,
    listen(port = config.proxyPort, host, onListening) {
      const server = createHttpServer(config, logger, listener);
      servers.add(server);
      server.on('close', () => servers.delete(server));
      server.listen(port, host, onListening);
      return server;
    },
    ready,
    async close() {
      drain.start();
      endStreams();
      await Promise.all(
        [...servers].map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeIdleConnections();
            }),
        ),
      );
      await stopWork();
    },
  };
  return app;
}
