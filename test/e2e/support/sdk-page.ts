import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { LOOPBACK } from './free-port.js';

/** What the page hands to `new unleash.UnleashClient(...)`, besides its recording fetch. */
export interface SdkPageClientConfig {
  url: string;
  clientKey: string;
  appName: string;
  refreshInterval: number;
  usePOSTrequests: boolean;
  context?: Record<string, string>;
}

export interface SdkPageOptions {
  sdk: SdkPageClientConfig;
  /** The flags the page shows, in this order. */
  flags: readonly string[];
  /**
   * An event stream URL (`/api/frontend/events?token=...`): the page wires it to the SDK's
   * `updateToggles()` as the README shows, and marks #stream[data-state="open"] once it is open.
   */
  events?: string;
}

export interface SdkPage {
  /** The page, on its own origin (127.0.0.1 and a port other than the proxy's). */
  url: string;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
/** The SDK's UMD build (global `unleash`), as a site would bundle it; no CDN. */
// `require` resolves the package to build/index.cjs; the browser build sits next to it.
const sdkBundle = readFileSync(
  join(dirname(require.resolve('unleash-proxy-client')), 'main.min.js'),
);

// Runs in the browser. It shows each flag as an <li data-flag data-enabled data-variant>, the
// SDK's state in #state[data-state], and every response the SDK got in #responses.
const PAGE_SCRIPT = `
const config = JSON.parse(document.getElementById('config').textContent);
const state = document.getElementById('state');
const responses = document.getElementById('responses');
async function recordingFetch(url, init) {
  const response = await window.fetch(url, init);
  const item = document.createElement('li');
  item.dataset.method = (init && init.method) || 'GET';
  item.dataset.path = new URL(url).pathname;
  item.dataset.status = String(response.status);
  item.textContent = item.dataset.method + ' ' + item.dataset.path + ' ' + response.status;
  responses.append(item);
  return response;
}
const client = new unleash.UnleashClient({ ...config.sdk, fetch: recordingFetch });
function render() {
  const list = document.getElementById('flags');
  list.replaceChildren(...config.flags.map((name) => {
    const item = document.createElement('li');
    const enabled = client.isEnabled(name);
    const variant = client.getVariant(name);
    item.dataset.flag = name;
    item.dataset.enabled = String(enabled);
    item.dataset.variant = variant.name;
    item.textContent = name + ': ' + (enabled ? 'on' : 'off') + ' (variant ' + variant.name + ')';
    return item;
  }));
}
client.on('ready', () => { state.dataset.state = 'ready'; state.textContent = 'ready'; render(); });
client.on('update', render);
client.on('error', (error) => {
  state.dataset.state = 'error';
  state.textContent = 'error ' + JSON.stringify(error);
});
client.start();
if (config.events) {
  const stream = document.getElementById('stream');
  const changes = new EventSource(config.events);
  changes.onmessage = () => void client.updateToggles();
  changes.onopen = () => { stream.dataset.state = 'open'; stream.textContent = 'open'; };
  changes.onerror = () => { stream.dataset.state = 'error'; stream.textContent = 'error'; };
}
`;

function pageHtml(options: SdkPageOptions): string {
  const config = JSON.stringify(options).replace(/</g, '\\u003c');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>unleash-proxy-client against unleash-koa-proxy</title>
<script src="/unleash-proxy-client.min.js"></script></head>
<body>
<h1>Flags from the proxy</h1>
<p>SDK: <span id="state" data-state="starting">starting</span></p>
<p>Event stream: <span id="stream" data-state="none">none</span></p>
<ul id="flags"></ul>
<h2>Responses the SDK got</h2>
<ol id="responses"></ol>
<script id="config" type="application/json">${config}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>`;
}

/** Serves a page that runs unleash-proxy-client against the proxy, from a node:http server. */
export async function startSdkPage(options: SdkPageOptions): Promise<SdkPage> {
  const html = pageHtml(options);
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else if (path === '/unleash-proxy-client.min.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(sdkBundle);
    } else if (path === '/favicon.ico') {
      response.writeHead(204).end();
    } else {
      response.writeHead(404).end();
    }
  });
  server.listen(0, LOOPBACK);
  await once(server, 'listening');
  return {
    url: `http://${LOOPBACK}:${(server.address() as AddressInfo).port}/`,
    async stop() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
