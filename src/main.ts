#!/usr/bin/env node
import { DEMO_CLIENT_KEY } from './app.js';
import { createProxy } from './create-proxy.js';
import { ConfigError } from './errors.js';

/**
 * Entry point: configure from the environment, load plugin files, listen, and stop cleanly on
 * SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  const app = await createProxy({}, process.env);
  const { config, logger } = app;
  const server = app.listen(config.proxyPort, undefined, () => {
    logger.info({ port: config.proxyPort, mode: config.mode }, 'unleash-koa-proxy listening');
  });

  if (config.mode !== 'online') {
    const key = app.clientKeys[0] === DEMO_CLIENT_KEY ? DEMO_CLIENT_KEY : '<your client key>';
    const flags = config.bootstrapFile ?? 'the bundled example flags';
    logger.warn(
      `${config.mode === 'demo' ? 'Demo' : 'Offline'} mode (no UNLEASH_URL): serving ${flags}. Try: curl -H 'Authorization: ${key}' 'http://localhost:${config.proxyPort}${config.proxyBasePath}/proxy?userId=alice'`,
    );
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const forced = setTimeout(() => {
      logger.warn('shutdown timeout reached; exiting with requests still open');
      process.exit(0);
    }, config.shutdownTimeoutMs);
    forced.unref();
    app
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  server.on('error', (error) => {
    logger.fatal({ err: error }, 'cannot listen');
    process.exit(1);
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
});
