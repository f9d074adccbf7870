import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CLIENT_KEY } from '../../src/app.js';
import { type BuiltProxy, runBuiltProxy } from '../helpers/built-proxy.js';
import { freePort } from '../helpers/free-port.js';
import { waitFor } from '../helpers/wait-for.js';

/** The variables the Docker image sets (its ENV lines), as a container starts with them. */
function dockerImageEnv(): Record<string, string> {
  const dockerfile = readFileSync('Dockerfile', 'utf8').replace(/\\\n\s*/g, ' ');
  const env: Record<string, string> = {};
  for (const line of dockerfile.split('\n').filter((text) => text.startsWith('ENV '))) {
    for (const [, name, value] of line.matchAll(/([A-Z_]+)=(\S+)/g)) {
      if (name !== undefined && value !== undefined) env[name] = value;
    }
  }
  return env;
}

async function demoAnswer(port: number): Promise<number> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/proxy?userId=alice`, {
      headers: { authorization: DEMO_CLIENT_KEY },
    });
    return response.status;
  } catch {
    return 0;
  }
}

describe('a start without UNLEASH_URL (the built proxy)', () => {
  const running: BuiltProxy[] = [];
  afterEach(() => {
    for (const child of running.splice(0)) {
      if (child.process.exitCode === null) child.process.kill('SIGKILL');
    }
  });

  it('refuses a token and production keys under a misspelt UNLEASH_URL, naming UNLEASH_URL', async () => {
    const child = runBuiltProxy({
      PORT: String(await freePort()),
      UNLEASH_URLL: 'https://unleash.example.com/api',
      UNLEASH_API_TOKEN: 'default:production.secret-token',
      UNLEASH_PROXY_CLIENT_KEYS: 'production-client-key',
    });
    running.push(child);
    expect(await child.exited).toBe(1);
    expect(child.stderr()).toContain('UNLEASH_URL is not set, but UNLEASH_API_TOKEN');
    expect(child.stderr()).not.toContain('secret-token');
    expect(child.stderr()).not.toContain('production-client-key');
  });

  it('serves the demo on a machine where nothing is configured (the README first command)', async () => {
    const port = await freePort();
    const child = runBuiltProxy({ PORT: String(port) });
    running.push(child);
    await waitFor(async () => (await demoAnswer(port)) === 200, 'the demo flags');
    expect(child.output()).toContain('Demo mode');
  });

  it('never serves the demo from the Docker image unless asked (PROXY_MODE=demo)', async () => {
    const image = dockerImageEnv();
    expect(image.PROXY_MODE).toBe('online');
    const refused = runBuiltProxy({ ...image, PORT: String(await freePort()) });
    running.push(refused);
    expect(await refused.exited).toBe(1);
    expect(refused.stderr()).toContain('UNLEASH_URL is required with PROXY_MODE=online');

    const port = await freePort();
    const asked = runBuiltProxy({ ...image, PROXY_MODE: 'demo', PORT: String(port) });
    running.push(asked);
    await waitFor(async () => (await demoAnswer(port)) === 200, 'the demo flags');
  });
});
