import { unleashRequest } from './unleash-http.js';
import { UNLEASH_ENVIRONMENT, UNLEASH_PROJECT } from './unleash-server.js';

export interface Constraint {
  contextName: string;
  operator: string;
  values?: string[];
  value?: string;
  inverted?: boolean;
  caseInsensitive?: boolean;
}

export interface VariantPayload {
  type: 'string' | 'json' | 'csv' | 'number';
  value: string;
}

export interface Variant {
  name: string;
  /** 0..1000; with weightType `variable` Unleash spreads the remainder itself. */
  weight?: number;
  weightType?: 'variable' | 'fix';
  stickiness?: string;
  payload?: VariantPayload;
}

export interface FlexibleRolloutOptions {
  /** Percentage 0..100; defaults to 100. */
  rollout?: number;
  stickiness?: string;
  /** Defaults to the flag name, like the Unleash UI. */
  groupId?: string;
  constraints?: Constraint[];
  /** Strategy variants (not environment variants). */
  variants?: Variant[];
}

export interface CreateFeatureFlagOptions {
  description?: string;
  type?: 'release' | 'experiment' | 'operational' | 'kill-switch' | 'permission';
  impressionData?: boolean;
}

export interface FeatureStrategy {
  id: string;
  name: string;
  parameters: Record<string, string>;
  constraints: Constraint[];
  variants?: Variant[];
  segments?: number[];
  disabled?: boolean | null;
  title?: string | null;
}

export interface FeatureFlag {
  name: string;
  project: string;
  type: string;
  impressionData: boolean;
  /** Legacy environment variants, as set by setVariants: Unleash 7 reported them here. */
  variants?: Variant[];
  environments: Array<{
    name: string;
    enabled: boolean;
    strategies: FeatureStrategy[];
    /** Legacy environment variants, where Unleash 8 reports them. */
    variants?: Variant[];
  }>;
}

export interface RawFeatureMetric {
  featureName: string;
  appName: string;
  environment: string;
  timestamp: string;
  yes: number;
  no: number;
  variants?: Record<string, number>;
}

export interface RawFeatureMetrics {
  version: number;
  maturity: string;
  data: RawFeatureMetric[];
}

/** Variable weights let Unleash split 1000 evenly, as the UI does by default. */
function withVariantDefaults(variant: Variant): Variant {
  return { weight: 0, weightType: 'variable', stickiness: 'default', ...variant };
}

export interface UnleashAdminOptions {
  project?: string;
  environment?: string;
}

/**
 * The few admin API calls the end-to-end tests need, checked against
 * unleash-server 8.2.0. Project and environment default to the ones the
 * generated client token is scoped to.
 */
export class UnleashAdmin {
  readonly project: string;
  readonly environment: string;

  constructor(
    private readonly baseUrl: string,
    private readonly adminToken: string,
    { project = UNLEASH_PROJECT, environment = UNLEASH_ENVIRONMENT }: UnleashAdminOptions = {},
  ) {
    this.project = project;
    this.environment = environment;
  }

  private request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return unleashRequest<T>(method, `${this.baseUrl}${path}`, this.adminToken, body);
  }

  private flagPath(name: string): string {
    return `/api/admin/projects/${this.project}/features/${encodeURIComponent(name)}`;
  }

  private environmentPath(name: string): string {
    return `${this.flagPath(name)}/environments/${this.environment}`;
  }

  async createFeatureFlag(name: string, options: CreateFeatureFlagOptions = {}): Promise<void> {
    await this.request('POST', `/api/admin/projects/${this.project}/features`, {
      name,
      type: options.type ?? 'release',
      description: options.description ?? '',
      impressionData: options.impressionData ?? false,
    });
  }

  getFeatureFlag(name: string): Promise<FeatureFlag> {
    return this.request<FeatureFlag>('GET', this.flagPath(name));
  }

  /** Returns the created strategy, whose id is needed to change or remove it later. */
  addFlexibleRolloutStrategy(
    name: string,
    options: FlexibleRolloutOptions = {},
  ): Promise<FeatureStrategy> {
    return this.request<FeatureStrategy>('POST', `${this.environmentPath(name)}/strategies`, {
      name: 'flexibleRollout',
      parameters: {
        rollout: String(options.rollout ?? 100),
        stickiness: options.stickiness ?? 'default',
        groupId: options.groupId ?? name,
      },
      constraints: options.constraints ?? [],
      variants: (options.variants ?? []).map(withVariantDefaults),
    });
  }

  async enableFeatureFlag(name: string): Promise<void> {
    await this.request('POST', `${this.environmentPath(name)}/on`);
  }

  async disableFeatureFlag(name: string): Promise<void> {
    await this.request('POST', `${this.environmentPath(name)}/off`);
  }

  /**
   * Replaces the flag's environment variants: the legacy kind, served as the
   * feature's top-level `variants`. Unleash 7 only allows them because
   * startUnleashServer enables UNLEASH_EXPERIMENTAL_ENABLE_LEGACY_VARIANTS.
   */
  async setVariants(name: string, variants: Variant[]): Promise<void> {
    await this.request(
      'PUT',
      `${this.environmentPath(name)}/variants`,
      variants.map(withVariantDefaults),
    );
  }

  /** Replaces the variants of one strategy (the kind Unleash 7 recommends). */
  async setStrategyVariants(
    name: string,
    strategyId: string,
    variants: Variant[],
  ): Promise<FeatureStrategy> {
    const path = `${this.environmentPath(name)}/strategies/${strategyId}`;
    const { id: _id, ...current } = await this.request<FeatureStrategy>('GET', path);
    return this.request<FeatureStrategy>('PUT', path, {
      ...current,
      variants: variants.map(withVariantDefaults),
    });
  }

  /** Archives, then deletes, so the name can be reused. */
  async deleteFeatureFlag(name: string): Promise<void> {
    await this.request('DELETE', this.flagPath(name));
    await this.request('DELETE', `/api/admin/archive/${encodeURIComponent(name)}`);
  }

  /**
   * Hourly buckets of yes/no counts that SDKs (or the proxy) reported. Unleash
   * buffers incoming metrics and writes them every 5 s, so poll for them.
   */
  getRawMetrics(name: string, hoursBack = 1): Promise<RawFeatureMetrics> {
    return this.request<RawFeatureMetrics>(
      'GET',
      `/api/admin/client-metrics/features/${encodeURIComponent(name)}/raw?hoursBack=${hoursBack}`,
    );
  }
}
