import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OPTIONS } from '../../src/config/options.js';
import { CHART, helm, type Manifest, renderChart, validateManifest } from './support/helm.js';
import { findFreePort, LOOPBACK, waitFor } from './support/index.js';
import { repoRoot } from './support/paths.js';

/**
 * The Helm chart in deploy/helm, rendered with `helm template` for the value combinations users
 * pick, every manifest checked against the Kubernetes schemas, and the proxy started with the
 * environment, files and probe paths the chart gives its container.
 */

const IMAGE = { repository: 'ghcr.io/example/unleash-koa-proxy' };
const TIME_WINDOW_STRATEGY = readFileSync(join(repoRoot, 'strategies', 'time-window.js'), 'utf8');
const SECRET_CLIENT_KEY = 'key-from-the-secret';
const OFFICE_HOURS_FLAGS = {
  version: 2,
  features: [
    {
      name: 'office-hours',
      enabled: true,
      strategies: [{ name: 'timeWindow', parameters: { start: '09:00', end: '17:00' } }],
    },
  ],
};

interface EnvVar {
  name: string;
  value?: string;
}
interface Probe {
  httpGet: { path: string; port: string };
}
interface Container {
  env: EnvVar[];
  envFrom?: { secretRef: { name: string } }[];
  livenessProbe: Probe;
  readinessProbe: Probe;
  startupProbe: Probe;
  lifecycle: { preStop: { exec: { command: string[] } } };
  securityContext: Record<string, unknown>;
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodSpec {
  terminationGracePeriodSeconds: number;
  securityContext: Record<string, unknown>;
  containers: Container[];
  volumes: { name: string; configMap?: { name: string } }[];
}
interface DeploymentShape {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
}

function only(manifests: Manifest[], kind: string, name = 'release-unleash-koa-proxy'): Manifest {
  const found = manifests.filter((m) => m.kind === kind && m.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0] as Manifest;
}

function proxyDeployment(manifests: Manifest[]): DeploymentShape['spec'] & { pod: PodSpec } {
  const { spec } = only(manifests, 'Deployment') as unknown as DeploymentShape;
  return { ...spec, pod: spec.template.spec };
}

function proxyContainer(manifests: Manifest[]): Container {
  const container = proxyDeployment(manifests).pod.containers[0];
  if (!container) throw new Error('the Deployment has no container');
  return container;
}

function envOf(container: Container): Record<string, string> {
  return Object.fromEntries(container.env.map(({ name, value }) => [name, value ?? '']));
}

/** Every combination: rendered, and each manifest valid against its schema. */
async function renderValid(values: object): Promise<Manifest[]> {
  const manifests = await renderChart({ image: IMAGE, ...values });
  for (const manifest of manifests) validateManifest(manifest);
  return manifests;
}

describe('the Helm chart', () => {
  it('passes helm lint --strict', async () => {
    const output = await helm(['lint', '--strict', CHART], { image: IMAGE });
    expect(output).toContain('0 chart(s) failed');
  });

  it('by default: a Deployment, Service, CPU autoscaler and disruption budget, hardened', async () => {
    const manifests = await renderValid({});
    expect(manifests.map((m) => m.kind).sort()).toEqual([
      'Deployment',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'Service',
    ]);
    const deployment = proxyDeployment(manifests);
    // The autoscaler owns the replica count.
    expect(deployment.replicas).toBeUndefined();
    const hpa = only(manifests, 'HorizontalPodAutoscaler') as unknown as {
      spec: { scaleTargetRef: { name: string }; metrics: unknown[]; minReplicas: number };
    };
    expect(hpa.spec.scaleTargetRef.name).toBe('release-unleash-koa-proxy');
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.metrics).toEqual([
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
      },
    ]);

    const service = only(manifests, 'Service') as unknown as {
      spec: { selector: Record<string, string> };
    };
    const podLabels = deployment.template.metadata.labels;
    for (const [label, value] of Object.entries(service.spec.selector)) {
      expect(podLabels[label]).toBe(value);
    }
    expect(deployment.selector.matchLabels).toEqual(service.spec.selector);

    const container = proxyContainer(manifests);
    expect(container.livenessProbe.httpGet.path).toBe('/proxy/health/live');
    expect(container.readinessProbe.httpGet.path).toBe('/proxy/health/ready');
    expect(deployment.pod.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    // The only writable place is the emptyDir the backup goes to.
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(envOf(container).UNLEASH_BACKUP_PATH).toBe('/tmp');
  });

  it('gives draining its time: preStop sleep, then the shutdown timeout, within the grace period', async () => {
    const manifests = await renderValid({ preStopSleepSeconds: 7, shutdownTimeoutSeconds: 20 });
    const deployment = proxyDeployment(manifests);
    const container = proxyContainer(manifests);
    expect(container.lifecycle.preStop.exec.command).toEqual(['sleep', '7']);
    expect(envOf(container).PROXY_SHUTDOWN_TIMEOUT_MS).toBe('20000');
    expect(deployment.pod.terminationGracePeriodSeconds).toBeGreaterThan(7 + 20);
  });

  it('online: UNLEASH_URL, tokens and keys only from the Secret, probes under the base path', async () => {
    const manifests = await renderValid({
      unleashUrl: 'https://unleash.example.com/api',
      existingSecret: 'proxy-secrets',
      basePath: 'flags/',
      autoscaling: { enabled: false },
      replicaCount: 3,
      env: { LOG_LEVEL: 'info', ENABLE_ALL_ENDPOINT: true },
    });
    expect(manifests.map((m) => m.kind)).not.toContain('HorizontalPodAutoscaler');
    const deployment = proxyDeployment(manifests);
    expect(deployment.replicas).toBe(3);
    const container = proxyContainer(manifests);
    expect(container.envFrom).toEqual([{ secretRef: { name: 'proxy-secrets' } }]);
    const env = envOf(container);
    expect(env).toMatchObject({
      UNLEASH_URL: 'https://unleash.example.com/api',
      PROXY_BASE_PATH: '/flags',
      LOG_LEVEL: 'info',
      ENABLE_ALL_ENDPOINT: 'true',
    });
    const secretVariables = Object.values(OPTIONS)
      .filter((spec) => spec.secret)
      .flatMap((spec) => spec.env);
    expect(secretVariables).toContain('UNLEASH_API_TOKEN');
    for (const name of secretVariables) expect(env).not.toHaveProperty(name);
    expect(container.livenessProbe.httpGet.path).toBe('/flags/proxy/health/live');
    expect(container.readinessProbe.httpGet.path).toBe('/flags/proxy/health/ready');
    expect(container.startupProbe.httpGet.path).toBe('/flags/proxy/health/live');
  });

  it('refuses every secret variable of the option table as a plain value', async () => {
    const secretVariables = Object.values(OPTIONS)
      .filter((spec) => spec.secret)
      .flatMap((spec) => spec.env);
    for (const name of secretVariables) {
      await expect(renderChart({ image: IMAGE, env: { [name]: 'in-plain-text' } })).rejects.toThrow(
        /invalid propertyName/,
      );
    }
  });

  it('refuses in env the variables the chart sets from its own values, under any of their names', async () => {
    const managed = ['proxyPort', 'proxyBasePath', 'unleashUrl', 'backupPath', 'shutdownTimeoutMs']
      .concat(['customStrategiesFiles', 'customEnrichersFiles'])
      .flatMap((name) => OPTIONS[name as keyof typeof OPTIONS].env);
    expect(managed).toContain('PROXY_BASE_PATH');
    for (const name of managed) {
      await expect(renderChart({ image: IMAGE, env: { [name]: 'x' } })).rejects.toThrow(
        /invalid propertyName/,
      );
    }
  });

  it('refuses UNLEASH_URL without a Secret, a missing image and a plugin it does not hold', async () => {
    await expect(
      renderChart({ image: IMAGE, unleashUrl: 'https://unleash.example.com/api' }),
    ).rejects.toThrow(/existingSecret is required/);
    await expect(renderChart({})).rejects.toThrow(/image.repository is required/);
    await expect(
      renderChart({
        image: IMAGE,
        plugins: { files: { 'a.js': 'module.exports = [];' }, strategies: ['b.js'] },
      }),
    ).rejects.toThrow(/"b.js" is not in plugins.files/);
  });

  it('fleet and monitoring: a Redis the proxies point at, and a ServiceMonitor on the metrics path', async () => {
    const manifests = await renderValid({
      basePath: '/flags',
      redis: { enabled: true },
      serviceMonitor: { enabled: true, labels: { release: 'prometheus' } },
    });
    const redis = only(manifests, 'Service', 'release-unleash-koa-proxy-redis');
    expect(redis.spec).toMatchObject({ ports: [{ port: 6379 }] });
    only(manifests, 'Deployment', 'release-unleash-koa-proxy-redis');
    expect(envOf(proxyContainer(manifests)).REDIS_URL).toBe(
      'redis://release-unleash-koa-proxy-redis:6379',
    );
    const monitor = only(manifests, 'ServiceMonitor');
    expect(monitor.metadata.labels).toMatchObject({ release: 'prometheus' });
    expect(monitor.spec).toMatchObject({
      endpoints: [{ port: 'http', path: '/flags/proxy/internal-backstage/prometheus' }],
    });
    // The proxy's Service must not select the Redis pods, nor Redis's the proxies.
    const proxyService = only(manifests, 'Service') as unknown as {
      spec: { selector: Record<string, string> };
    };
    expect(proxyService.spec.selector).not.toHaveProperty('app.kubernetes.io/component');
  });

  it('plugins from an existing ConfigMap: mounted read-only, listed in order', async () => {
    const manifests = await renderValid({
      plugins: {
        existingConfigMap: 'my-plugins',
        strategies: ['a.js', 'b.js'],
        enrichers: ['c.mjs'],
      },
    });
    expect(manifests.map((m) => m.kind)).not.toContain('ConfigMap');
    const container = proxyContainer(manifests);
    expect(envOf(container)).toMatchObject({
      UNLEASH_CUSTOM_STRATEGIES_FILE: '/plugins/a.js,/plugins/b.js',
      EXP_CUSTOM_ENRICHERS_FILE: '/plugins/c.mjs',
    });
    expect(container.volumeMounts).toContainEqual({
      name: 'plugins',
      mountPath: '/plugins',
      readOnly: true,
    });
    expect(proxyDeployment(manifests).pod.volumes).toContainEqual({
      name: 'plugins',
      configMap: { name: 'my-plugins' },
    });
  });

  describe('the proxy started as the chart configures its container', () => {
    let child: ChildProcess | undefined;
    const folders: string[] = [];

    afterEach(async () => {
      if (child && child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }
      for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
    });

    it('loads the ConfigMap strategy file, takes its key from the Secret, and answers its probes and metrics under the base path', async () => {
      const root = mkdtempSync(join(tmpdir(), 'chart-pod-'));
      folders.push(root);
      const flagsFile = join(root, 'flags.json');
      writeFileSync(flagsFile, JSON.stringify(OFFICE_HOURS_FLAGS));
      const manifests = await renderValid({
        basePath: 'flags',
        existingSecret: 'proxy-secrets',
        env: { PROXY_MODE: 'offline', UNLEASH_BOOTSTRAP_FILE: flagsFile },
        plugins: {
          files: { 'time-window.js': TIME_WINDOW_STRATEGY },
          strategies: ['time-window.js'],
        },
        serviceMonitor: { enabled: true },
      });
      const configMap = only(
        manifests,
        'ConfigMap',
        'release-unleash-koa-proxy-plugins',
      ) as unknown as {
        data: Record<string, string>;
      };
      // What the kubelet does: the ConfigMap's files at the mount path, the Secret's keys as
      // variables (envFrom), and the image's NODE_PATH, through which a strategy file finds
      // unleash-client.
      const plugins = join(root, 'plugins');
      mkdirSync(plugins);
      for (const [file, source] of Object.entries(configMap.data)) {
        writeFileSync(join(plugins, file), source);
      }
      const container = proxyContainer(manifests);
      const port = await findFreePort();
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        NODE_PATH: join(repoRoot, 'node_modules'),
        UNLEASH_PROXY_CLIENT_KEYS: SECRET_CLIENT_KEY,
      };
      for (const [name, value] of Object.entries(envOf(container))) {
        env[name] = value.replaceAll('/plugins/', `${plugins}/`);
      }
      env.PROXY_PORT = String(port);
      env.UNLEASH_BACKUP_PATH = root;

      child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src', 'main.ts')], {
        cwd: repoRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
      });
      const running = child;
      const get = async (path: string) => {
        const response = await fetch(`http://${LOOPBACK}:${port}${path}`);
        return { status: response.status, text: await response.text() };
      };
      const live = await waitFor(
        'the liveness probe',
        async () => {
          const answer = await get(container.livenessProbe.httpGet.path);
          return answer.status === 200 ? answer : undefined;
        },
        {
          timeoutMs: 30_000,
          abortWhen: () =>
            running.exitCode === null ? undefined : new Error(`proxy exited:\n${output}`),
        },
      );
      expect(live.text).toBe('ok');
      expect((await get(container.readinessProbe.httpGet.path)).status).toBe(200);
      const monitor = only(manifests, 'ServiceMonitor') as unknown as {
        spec: { endpoints: { path: string }[] };
      };
      const metrics = await get(monitor.spec.endpoints[0]?.path ?? '');
      expect(metrics.status).toBe(200);
      expect(metrics.text).toContain('# TYPE');
      // The flag is on only through the strategy of the ConfigMap's file.
      const toggles = async (time: string) => {
        const response = await fetch(
          `http://${LOOPBACK}:${port}/flags/proxy?currentTime=${encodeURIComponent(time)}`,
          { headers: { authorization: SECRET_CLIENT_KEY } },
        );
        expect(response.status).toBe(200);
        const body = (await response.json()) as { toggles: { name: string }[] };
        return body.toggles.map((toggle) => toggle.name);
      };
      expect(await toggles('2026-03-02T12:00:00Z')).toEqual(['office-hours']);
      expect(await toggles('2026-03-02T20:00:00Z')).toEqual([]);
    });
  });
});
