#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assembleApp, DEMO_CLIENT_KEY, type ProxyApp } from './app.js';
import { parseArguments, UsageError } from './cli/arguments.js';
import { helpText } from './cli/help-text.js';
import { probe } from './cli/probe.js';
import { startLine } from './cli/start-line.js';
import { type Env, loadConfig } from './config/load-config.js';
import { ConfigError } from './errors.js';
import { packageRoot } from './package-root.js';
import { loadPlugins } from './plugins/load-plugins.js';

/**
 * Entry point: reads the command line, then either answers it (--help, --version, a probe of
 * a running proxy) or configures the proxy from the environment, loads plugin files, listens,
 * and stops cleanly on SIGTERM/SIGINT.
 */
async function main(args: readonly string[], env: Env): Promise<void> {
  const command = parseArguments(args);
  if (command.kind === 'help') {
    process.stdout.write(helpText());
    return;
  }
  if (command.kind === 'version') {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  if (command.kind === 'probe') {
    const config = command.url === undefined ? loadConfig(env) : undefined;
    const where = {
      origin: command.url ?? `http://127.0.0.1:${config?.proxyPort ?? 3000}`,
      basePath: config?.proxyBasePath ?? '',
    };
    process.exitCode = await probe(command.target, where, (line) => {
      process.stdout.write(`${line}\n`);
    });
    return;
  }
  const config = loadConfig(env);
  const plugins = await loadPlugins(config);
  serve(assembleApp(config, {}, plugins), plugins);
}

function serve(app: ProxyApp, plugins: Parameters<typeof startLine>[1]): void {
  const { config, logger } = app;
  const server = app.listen(config.proxyPort, undefined, () => {
    const line = startLine(app, plugins, server.address(), packageVersion());
    // Said at any level but silent: an operator must see that the proxy runs, where and how.
    if (config.logLevel !== 'silent')
      logger.child({}, { level: 'info' }).info(line.fields, line.message);
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

function packageVersion(): string {
  const text = readFileSync(join(packageRoot(), 'package.json'), 'utf8');
  const { version } = JSON.parse(text) as { version?: unknown };
  return typeof version === 'string' ? version : 'unknown';
}

main(process.argv.slice(2), process.env).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
});
