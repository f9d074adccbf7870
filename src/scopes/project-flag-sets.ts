import { type EvaluatorFactory, type LiveFlagSet, LiveFlags } from '../evaluation/live-flags.js';
import { createSnapshot } from '../unleash/snapshot.js';
import { type Scope, scopeKey } from './scope.js';

/** An environment's flag set filtered to a grant's projects, compiled once per flag update. */
export class ProjectFlagSets {
  /** Filtered flag sets per scope key (`environment|projects`), with the environment set they came from. */
  private readonly filtered = new Map<string, { from: LiveFlagSet; set: LiveFlagSet }>();

  constructor(private readonly buildEvaluator: EvaluatorFactory) {}

  get(
    grant: Pick<Scope, 'environment' | 'projects'>,
    environmentSet: LiveFlagSet,
  ): LiveFlagSet | undefined {
    const key = scopeKey(grant);
    const cached = this.filtered.get(key);
    if (cached?.from === environmentSet) return cached.set;
    const projects = new Set(grant.projects);
    const source = environmentSet.snapshot;
    const flags = new LiveFlags(this.buildEvaluator);
    flags.update(
      createSnapshot(
        source.revision,
        source.features.filter((feature) => projects.has(feature.project ?? 'default')),
        source.segments,
      ),
    );
    const set = flags.current();
    if (set === undefined) return undefined;
    this.filtered.set(key, { from: environmentSet, set });
    return set;
  }
}
