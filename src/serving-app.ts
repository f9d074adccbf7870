import type { RequestListener, Server } from 'node:http';
import type Koa from 'koa';
import type { ProxyConfig } from './config/load-config.js';
import { createHttpServer } from './http/create-server.js';
import type { ProxyState } from './http/state.js';
import type { Logger } from './logger.js';
import type { ConnectionDrain } from './middleware/connection-drain.js';

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

export interface ServingParts {
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
export function servingApp(parts: ServingParts): ProxyApp {
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
