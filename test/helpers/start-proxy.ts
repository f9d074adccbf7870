import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { CreateAppOptions, ProxyApp } from '../../src/app.js';
import type { Env } from '../../src/config/load-config.js';
import { createProxy } from '../../src/create-proxy.js';

export interface RunningProxy {
  app: ProxyApp;
  server: Server;
  /** e.g. http://127.0.0.1:43210 (without the base path) */
  origin: string;
  /** Every log line written so far, as text. */
  logs: () => string;
  /** Resolves when a log line containing `text` is written (or already was). */
  waitForLog: (text: string) => Promise<void>;
  stop: () => Promise<void>;
}

export interface StartSettings {
  /** Resolve once the proxy has flags to serve (default), or as soon as it listens. */
  waitUntilReady?: boolean;
}

/**
 * Starts the proxy on 127.0.0.1 and a free port, with its own backup folder and a log
 * capture. `stop` closes the server and the Unleash client and removes the folder.
 */
export async function startProxy(
  options: CreateAppOptions = {},
  env: Env = {},
  { waitUntilReady = true }: StartSettings = {},
): Promise<RunningProxy> {
  const backupPath = mkdtempSync(join(tmpdir(), 'proxy-test-'));
  const lines: string[] = [];
  const written = new EventEmitter();
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const line = chunk.toString('utf8');
      lines.push(line);
      written.emit('line', line);
      done();
    },
  });
  const waitForLog = (text: string) =>
    new Promise<void>((resolve) => {
      if (lines.some((line) => line.includes(text))) return resolve();
      const listener = (line: string) => {
        if (!line.includes(text)) return;
        written.off('line', listener);
        resolve();
      };
      written.on('line', listener);
    });
  const app = await createProxy({ backupPath, logLevel: 'info', ...options, logDestination }, env);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  if (waitUntilReady) await app.ready();
  const { port } = server.address() as AddressInfo;
  return {
    app,
    server,
    origin: `http://127.0.0.1:${port}`,
    logs: () => lines.join(''),
    waitForLog,
    stop: async () => {
      await app.close();
      rmSync(backupPath, { recursive: true, force: true });
    },
  };
}
