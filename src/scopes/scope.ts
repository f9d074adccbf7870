/**
 * A scope is what one Unleash token may read: one environment and some projects (`*` for all
 * of them). Edge's rule decides which configured tokens need their own sync: a token whose
 * scope another token's covers (same environment, projects a subset) adds nothing.
 */
export interface Scope {
  readonly environment: string;
  /** Sorted project names, or `['*']` for every project. */
  readonly projects: readonly string[];
}

export const ALL_PROJECTS = '*';

/**
 * The scope key of the flag set every client key and server-side SDK token reads (the primary
 * store, what /proxy serves). Never equal to a `scopeKey`, which always holds a `|`.
 */
export const ALL_FLAGS_SCOPE = '*';

/**
 * A stable name for the flags a grant reads, `environment|projects` with the projects sorted
 * and deduplicated (`*` alone for every project): two grants with the same key read the same
 * flags, so streams and caches share one entry per key.
 */
export function scopeKey(grant: {
  readonly environment: string;
  readonly projects: readonly string[];
}): string {
  const { environment, projects } = scopeOf(grant.environment, grant.projects);
  return `${environment}|${projects.join(',')}`;
}

/**
 * The scope a `scopeKey` names; undefined for ALL_FLAGS_SCOPE or anything else. Environment
 * and project names are URL-friendly in Unleash, so neither holds a `,`; the last `|` ends the
 * environment.
 */
export function scopeFromKey(key: string): Scope | undefined {
  const split = key.lastIndexOf('|');
  if (split <= 0 || split === key.length - 1) return undefined;
  return scopeOf(key.slice(0, split), key.slice(split + 1).split(','));
}

/** The scope key of a request: its Unleash token's grant, or the primary set without one. */
export function callerScopeKey(
  grant: { readonly environment: string; readonly projects: readonly string[] } | undefined,
): string {
  return grant === undefined ? ALL_FLAGS_SCOPE : scopeKey(grant);
}

/** A scope with its projects in canonical form (sorted, deduplicated, `*` alone). */
export function scopeOf(environment: string, projects: readonly string[]): Scope {
  const unique = [...new Set(projects)].sort();
  return Object.freeze({
    environment,
    projects: Object.freeze(unique.includes(ALL_PROJECTS) ? [ALL_PROJECTS] : unique),
  });
}

export function coversAllProjects(scope: Scope): boolean {
  return scope.projects.includes(ALL_PROJECTS);
}

/** True when everything `inner` may read, `outer` may read too. */
export function covers(outer: Scope, inner: Scope): boolean {
  if (outer.environment !== inner.environment) return false;
  if (coversAllProjects(outer)) return true;
  if (coversAllProjects(inner)) return false;
  return inner.projects.every((project) => outer.projects.includes(project));
}

/** True when `scope` may read flags of `project`. */
export function includesProject(scope: Scope, project: string | undefined): boolean {
  if (coversAllProjects(scope)) return true;
  return project !== undefined && scope.projects.includes(project);
}

/**
 * How Unleash writes a scope, `projects:environment`: what a 403 names when no configured
 * token covers a caller's token, and the label of its metrics and backups.
 */
export function scopeLabel(scope: Scope): string {
  const projects = coversAllProjects(scope)
    ? ALL_PROJECTS
    : scope.projects.length === 1
      ? (scope.projects[0] ?? '')
      : `[${scope.projects.join(',')}]`;
  return `${projects}:${scope.environment}`;
}

/**
 * Keeps the items whose scope no other item's covers, in their original order. Of two items
 * with the same scope the first stays.
 */
export function reduceScopes<T extends { readonly scope: Scope }>(items: readonly T[]): T[] {
  return items.filter((item, index) =>
    items.every((other, otherIndex) => {
      if (otherIndex === index || !covers(other.scope, item.scope)) return true;
      // Equal scopes: the earlier item is the one kept.
      return covers(item.scope, other.scope) && index < otherIndex;
    }),
  );
}
