import type { ProxyConfig } from '../config/load-config.js';
import { type EvaluatorFactory, type LiveFlagSet, LiveFlags } from '../evaluation/live-flags.js';
import type { Logger } from '../logger.js';
import type { FlagStore } from '../unleash/flag-store.js';
import type { ClientFeaturesResponse, Strategy } from '../unleash/types.js';
import type { UpstreamTracer } from '../unleash/upstream-tracer.js';
import { configuredTokenProblem, reportConfiguredToken } from './configured-token-report.js';
import { offlineEnvironments } from './offline-environments.js';
import { ProjectFlagSets } from './project-flag-sets.js';
import { ALL_PROJECTS, type Scope, scopeLabel, scopeOf } from './scope.js';
import { planScopes } from './scope-plan.js';
import { createScopeStore, type SyncedScope } from './scope-store.js';
import { union } from './snapshot-union.js';
import type { SyncedScopes, TokenGrant } from './token-access.js';
import type { ResolvedToken, TokenResolver } from './token-resolver.js';

export interface ScopeSyncSettings {
  readonly config: ProxyConfig;
  readonly logger: Logger;
  readonly strategies: readonly Strategy[];
  readonly buildEvaluator: EvaluatorFactory;
  /** The app's store and flag set for the first configured token (what /proxy serves). */
  readonly primary: { readonly store: FlagStore; readonly flags: LiveFlags };
  /** Offline with UNLEASH_BOOTSTRAP_FILES: each environment's flags, read at boot. */
  readonly environmentFiles?: ReadonlyMap<string, ClientFeaturesResponse>;
  /** Client spans for every scope's fetches, as the primary store has (OpenTelemetry). */
  readonly upstream: UpstreamTracer;
}

/** Which scopes have no flags yet, for readiness. */
export interface ScopeReadiness {
  readonly ready: boolean;
  readonly notReady: readonly string[];
}

/** Time between attempts to learn a configured token's scope while Unleash cannot answer. */
const RETRY_VALIDATION_MS = 30_000;

/**
 * The flags of every configured scope: one sync with Unleash (an unleash-client instance, in
 * src/unleash) per backend token kept after dropping those another covers, and one compiled
 * flag set per environment (the union of its scopes; the app's primary set, compiled once for
 * /proxy, while the primary is its environment's only scope). A grant's flag set is its
 * environment's, filtered to its projects, compiled once per flag update.
 */
export class ScopeSync implements SyncedScopes {
  private readonly scopes: SyncedScope[] = [];
  private readonly environments = new Map<string, LiveFlags>();
  private readonly filtered: ProjectFlagSets;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly rebuildListeners: (() => void)[] = [];
  private closed = false;
  /**
   * Offline, the one flag file serves every environment (as Edge's offline mode does), unless
   * UNLEASH_BOOTSTRAP_FILES gives environments their own: then only those are served.
   */
  private readonly offline: boolean;
  private readonly offlineEnvironments: ReadonlyMap<string, LiveFlags>;

  constructor(private readonly settings: ScopeSyncSettings) {
    const { config } = settings;
    this.filtered = new ProjectFlagSets(settings.buildEvaluator);
    this.offline = config.mode !== 'online';
    this.offlineEnvironments = offlineEnvironments(
      settings.environmentFiles,
      settings.buildEvaluator,
    );
    const [primaryToken, ...others] = config.scopeTokens;
    if (primaryToken === undefined) return;
    const { primaryScope, kept } = planScopes(primaryToken, others);
    this.scopes.push({
      token: primaryToken,
      scope: primaryScope,
      store: settings.primary.store,
      primary: true,
      active: true,
    });
    for (const { token, scope } of kept) {
      this.scopes.push({
        token,
        scope,
        store: createScopeStore(this.settings, token),
        primary: false,
        active: true,
      });
    }
    for (const entry of this.scopes) {
      entry.store.onUpdate(() => this.rebuild(entry));
      if (entry.store.current() !== undefined) this.rebuild(entry);
    }
  }

  /** Learns each token's kind and projects from Unleash, and drops scopes whose token is revoked. */
  watch(resolver: TokenResolver): void {
    resolver.onRevoked((token) => this.revoke(token));
    for (const entry of this.scopes) void this.validate(entry, resolver);
  }

  scopesIn(environment: string): readonly Scope[] {
    if (this.offline) {
      return this.servesOffline(environment) ? [scopeOf(environment, [ALL_PROJECTS])] : [];
    }
    return this.scopes.flatMap((entry) =>
      entry.active && entry.scope?.environment === environment ? [entry.scope] : [],
    );
  }

  /** The environment of the scope /proxy serves (its usage goes with the app's own pipeline). */
  primaryEnvironment(): string | undefined {
    return this.scopes.find((entry) => entry.primary)?.scope?.environment;
  }

  /** Flags per environment with an active scope (offline: with its own file), for Prometheus. */
  environmentFlagCounts(): { environment: string; flags: number }[] {
    const names = this.offline ? [...this.offlineEnvironments.keys()] : this.environmentNames();
    return names.map((environment) => ({
      environment,
      flags: this.environmentSet(environment)?.snapshot.features.length ?? 0,
    }));
  }

  /** The environments with at least one active scope, for metrics and usage forwarding. */
  environmentNames(): readonly string[] {
    return [
      ...new Set(this.scopes.flatMap((e) => (e.active && e.scope ? [e.scope.environment] : []))),
    ];
  }

  /** A backend token of this environment, for forwarding usage reports upstream. */
  tokenFor(environment: string): string | undefined {
    return this.scopes.find((entry) => entry.active && entry.scope?.environment === environment)
      ?.token;
  }

  /**
   * Calls `listener` after every rebuild of an environment's flags (a flag update of one of its
   * scopes, from Unleash, a backup or a fleet peer), once the new set is in force, and when an
   * environment is no longer served (its last configured token revoked).
   */
  onRebuild(listener: () => void): void {
    this.rebuildListeners.push(listener);
  }

  /** The flags a grant (or any scope) reads: its environment's set, filtered to its projects. */
  flagSetFor(grant: Pick<TokenGrant, 'environment' | 'projects'>): LiveFlagSet | undefined {
    const environmentSet = this.environmentSet(grant.environment);
    if (environmentSet === undefined || grant.projects.includes(ALL_PROJECTS)) {
      return environmentSet;
    }
    return this.filtered.get(grant, environmentSet);
  }

  /** Ready when every configured scope has flags; the others are named. */
  readiness(): ScopeReadiness {
    if (this.offline) return { ready: true, notReady: [] };
    const notReady = this.scopes
      .filter((entry) => entry.active && entry.store.current() === undefined)
      .map((entry) => (entry.scope ? scopeLabel(entry.scope) : 'a [] token not yet validated'));
    return { ready: notReady.length === 0, notReady };
  }

  /** Resolves when every configured scope has flags. */
  async ready(): Promise<void> {
    await Promise.all(this.scopes.map((entry) => entry.store.ready()));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    await Promise.all(this.scopes.filter((e) => !e.primary).map((e) => e.store.close()));
  }

  private environmentSet(environment: string): LiveFlagSet | undefined {
    if (this.offline) {
      if (this.offlineEnvironments.size === 0) return this.settings.primary.flags.current();
      return this.offlineEnvironments.get(environment)?.current();
    }
    if (this.primaryAlone(environment)) return this.settings.primary.flags.current();
    return this.environments.get(environment)?.current();
  }

  /** The environment's one active scope is the primary: its set is the one /proxy serves. */
  private primaryAlone(environment: string): boolean {
    const entries = this.activeIn(environment);
    return entries.length === 1 && entries[0]?.primary === true;
  }

  private activeIn(environment: string): SyncedScope[] {
    return this.scopes.filter((e) => e.active && e.scope?.environment === environment);
  }

  private servesOffline(environment: string): boolean {
    return this.offlineEnvironments.size === 0 || this.offlineEnvironments.has(environment);
  }

  /** Recompiles the environment of a scope from the union of its scopes' flags. */
  private rebuild(entry: SyncedScope): void {
    const environment = entry.scope?.environment;
    if (environment === undefined || this.closed) return;
    if (this.primaryAlone(environment)) {
      // Compiled once by the app for /proxy and read from there (environmentSet): a copy here
      // would double the compile work and memory of every update in the one-token setup.
      this.environments.delete(environment);
      for (const listener of this.rebuildListeners) listener();
      return;
    }
    const snapshots = this.activeIn(environment).flatMap((e) => {
      const current = e.store.current();
      return current === undefined ? [] : [current];
    });
    if (snapshots.length === 0) return;
    let flags = this.environments.get(environment);
    if (flags === undefined) {
      flags = new LiveFlags(this.settings.buildEvaluator);
      this.environments.set(environment, flags);
    }
    flags.update(union(snapshots));
    for (const listener of this.rebuildListeners) listener();
  }

  private async validate(
    entry: SyncedScope,
    resolver: TokenResolver,
    noValidationReported = false,
  ): Promise<void> {
    const resolution = await resolver.resolve(entry.token);
    if (this.closed) return;
    const problem = configuredTokenProblem(resolution);
    if (problem?.kind === 'not-confirmed') {
      reportConfiguredToken(this.settings.logger, entry, problem);
      this.deactivate(entry);
      return;
    }
    if (resolution.status === 'unavailable') {
      // Without the endpoint, asked again now and then (Unleash may be upgraded), said once.
      const noValidation = problem?.kind === 'no-validation';
      if (noValidation && !noValidationReported) {
        reportConfiguredToken(this.settings.logger, entry, problem);
      }
      const timer = setTimeout(
        () => {
          this.retryTimers.delete(timer);
          void this.validate(entry, resolver, noValidationReported || noValidation);
        },
        noValidation ? RETRY_VALIDATION_MS * 10 : RETRY_VALIDATION_MS,
      );
      timer.unref();
      this.retryTimers.add(timer);
      return;
    }
    if (resolution.status !== 'valid') return;
    const environment = entry.scope?.environment;
    entry.scope = resolution.token.scope;
    this.rebuild(entry);
    if (environment !== undefined && environment !== entry.scope.environment) this.rebuildAll();
  }

  private revoke(token: ResolvedToken): void {
    const entry = this.scopes.find((e) => e.token === token.secret);
    if (entry === undefined || !entry.active) return;
    this.settings.logger.error(
      { scope: entry.scope ? scopeLabel(entry.scope) : '[]' },
      'Unleash revoked a configured token; its scope is no longer served',
    );
    this.deactivate(entry);
  }

  private deactivate(entry: SyncedScope): void {
    entry.active = false;
    // The primary store keeps serving /proxy as the original did: its polls tell the rest.
    if (!entry.primary) void entry.store.close();
    if (entry.scope === undefined) return;
    const environment = entry.scope.environment;
    if (this.scopes.some((e) => e.active && e.scope?.environment === environment)) {
      this.rebuildAll();
    } else {
      this.environments.delete(environment);
      for (const listener of this.rebuildListeners) listener();
    }
  }

  private rebuildAll(): void {
    const seen = new Set<string>();
    for (const entry of this.scopes) {
      const environment = entry.scope?.environment;
      if (!entry.active || environment === undefined || seen.has(environment)) continue;
      seen.add(environment);
      this.rebuild(entry);
    }
  }
}
