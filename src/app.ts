import type { Server } from 'node:http';
import { constants as zlibConstants } from 'node:zlib';
import Koa from 'koa';
import compress from 'koa-compress';
import type { DestinationStream } from 'pino';
import { type Env, loadConfig, type ProxyConfig, type ProxyOptions } from './config/load-config.js';
import { finalizeContext } from './context/build-context.js';
import { LiveFlags } from './evaluation/live-flags.js';
import { createHttpServer } from './http/create-server.js';
import type { ProxyState } from './http/state.js';
import { createLogger, type Logger } from './logger.js';
import { clientIp } from './middleware/client-ip.js';
import { CredentialChecker, requireCredential } from './middleware/client-key-auth.js';
import { cors } from './middleware/cors.js';
import { errorHandler } from './middleware/error-handler.js';
import { queryLimits } from './middleware/query-limits.js';
import { rateLimitGuards } from './middleware/rate-limit.js';
import { requireReady } from './middleware/readiness.js';
import { requestLog } from './middleware/request-log.js';
import { healthRoutes } from './routes/health-routes.js';
import { mountRoutes } from './routes/mount-routes.js';
import { proxyRoutes } from './routes/proxy-routes.js';
import { createFlagStore } from './unleash/flag-store.js';
import { readOfflineFlags } from './unleash/offline-flags.js';
import { createReferenceEvaluator } from './unleash/reference-evaluator.js';
import type { Strategy } from './unleash/types.js';

/** The key that works with the bundled example flags when no key is configured. */
export const DEMO_CLIENT_KEY = 'demo-client-key';

export interface CreateAppOptions extends ProxyOptions {
  /** Custom strategies as instances, in addition to UNLEASH_CUSTOM_STRATEGIES_FILE. */
  readonly customStrategies?: readonly Strategy[];
  /** Where log lines go; stdout by default. */
  readonly logDestination?: DestinationStream;
}

export interface ProxyApp {
  readonly config: ProxyConfig;
  readonly koa: Koa<ProxyState>;
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
 * Configuration errors are thrown here, all together, before anything starts.
 */
export function createApp(options: CreateAppOptions = {}, env: Env = process.env): ProxyApp {
  const config = loadConfig(env, options);
  const logger = createLogger({
    level: config.logLevel,
    json: config.jsonLogger,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const usesBundledFlags = config.mode === 'offline' && config.bootstrapFile === undefined;
  const offlineFlags =
    config.mode === 'offline' ? readOfflineFlags(config.bootstrapFile) : undefined;
  const clientKeys =
    config.allClientKeys.length === 0 && usesBundledFlags
      ? [DEMO_CLIENT_KEY]
      : config.allClientKeys;
  if (clientKeys.length === 0) {
    throw new Error('UNLEASH_PROXY_CLIENT_KEYS is required when serving your own flags');
  }

  const strategies = [...(options.customStrategies ?? [])];
  const flags = new LiveFlags((snapshot) => createReferenceEvaluator(snapshot, strategies));
  const store = createFlagStore({
    config,
    logger,
    strategies,
    ...(offlineFlags ? { offlineFlags } : {}),
  });
  store.onUpdate((snapshot) => flags.update(snapshot));

  const checker = new CredentialChecker(clientKeys, config.serverSideSdkTokens);
  const rateLimits = rateLimitGuards(config); // hardening: off unless PROXY_RATE_LIMIT_* set
  const guards = [
    requireReady(flags),
    ...rateLimits.beforeAuth,
    requireCredential(checker, config.clientKeysHeaderName),
    ...rateLimits.afterAuth,
  ];
  const environmentOverride = config.environment;

  const koa = new Koa<ProxyState>();
  koa.silent = true;
  koa.use(requestLog(logger));
  koa.use(errorHandler());
  koa.use(cors(config));
  koa.use(
    compress({
      threshold: 1024,
      br: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } },
    }),
  );
  koa.use(clientIp());
  koa.use(queryLimits(config)); // hardening: query length, count, encoding
  const routers = [
    healthRoutes(flags),
    proxyRoutes({
      config,
      flags,
      guards,
      prepareContext: (requested, ctx) =>
        finalizeContext(requested, {
          clientIp: ctx.state.clientIp,
          appName: config.unleashAppName,
          environmentOverride,
        }),
    }),
  ];
  mountRoutes(koa, config.proxyBasePath, routers);

  const servers = new Set<Server>();
  return {
    config,
    koa,
    logger,
    clientKeys,
    listen(port = config.proxyPort, host, onListening) {
      const server = createHttpServer(config, logger, koa.callback());
      servers.add(server);
      server.on('close', () => servers.delete(server));
      server.listen(port, host, onListening);
      return server;
    },
    async ready() {
      await store.ready();
    },
    async close() {
      await Promise.all(
        [...servers].map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeIdleConnections();
            }),
        ),
      );
      await store.close();
    },
  };
}
