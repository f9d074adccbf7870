import { EventEmitter } from 'node:events';
import clientModule from 'unleash-client/lib/client.js';
import type { RepositoryInterface } from 'unleash-client/lib/repository/index.js';
import { defaultStrategies } from 'unleash-client/lib/strategy/index.js';
import { defaultExport } from './default-export.js';
import type {
  EvaluatedToggle,
  EvaluationContext,
  Evaluator,
  ToggleVariant,
} from './evaluation-types.js';
import type { FlagSnapshot } from './snapshot.js';
import type { FeatureInterface, Segment, Strategy, UnleashContext } from './types.js';

const UnleashClient = defaultExport(clientModule);

/** A read-only repository over one snapshot, so the SDK's evaluator never sees a change mid-request. */
class SnapshotRepository extends EventEmitter implements RepositoryInterface {
  private readonly featuresByName: Map<string, FeatureInterface>;
  private readonly segmentsById: Map<number, Segment>;

  constructor(private readonly snapshot: FlagSnapshot) {
    super();
    this.featuresByName = new Map(snapshot.features.map((feature) => [feature.name, feature]));
    this.segmentsById = new Map(snapshot.segments.map((segment) => [segment.id, segment]));
  }

  getToggle(name: string): FeatureInterface | undefined {
    return this.featuresByName.get(name);
  }

  getToggles(): FeatureInterface[] {
    return [...this.snapshot.features];
  }

  getTogglesWithSegmentData(): never {
    throw new Error('not used by the evaluator');
  }

  getSegment(id: number): Segment | undefined {
    return this.segmentsById.get(id);
  }

  stop(): void {}

  async start(): Promise<void> {}
}

export function toUnleashContext(context: EvaluationContext): UnleashContext {
  const result: UnleashContext = { properties: { ...context.properties } };
  if (context.userId !== undefined) result.userId = context.userId;
  if (context.sessionId !== undefined) result.sessionId = context.sessionId;
  if (context.remoteAddress !== undefined) result.remoteAddress = context.remoteAddress;
  if (context.environment !== undefined) result.environment = context.environment;
  if (context.appName !== undefined) result.appName = context.appName;
  if (context.currentTime !== undefined) result.currentTime = context.currentTime;
  return result;
}

/**
 * Evaluates with unleash-client's own engine, each flag once (enabled and variant together).
 * It is the reference every faster evaluator is compared with, and the fallback for what they
 * do not know. It counts no usage metrics: the SDKs behind the proxy report their own.
 */
export function createReferenceEvaluator(
  snapshot: FlagSnapshot,
  customStrategies: readonly Strategy[] = [],
): Evaluator & { evaluateOne(name: string, context: UnleashContext): EvaluatedToggle } {
  const repository = new SnapshotRepository(snapshot);
  const client = new UnleashClient(repository, [...defaultStrategies, ...customStrategies]);
  // The SDK reports unknown strategies as events; without a listener EventEmitter would throw.
  client.on('error', () => {});
  client.on('warn', () => {});

  const evaluateOne = (name: string, context: UnleashContext): EvaluatedToggle => {
    const feature = repository.getToggle(name);
    const result = client.forceGetVariant(name, context);
    const variant: ToggleVariant = {
      name: result.name,
      enabled: result.enabled,
      feature_enabled: result.feature_enabled === true,
      featureEnabled: result.feature_enabled === true,
    };
    if (result.payload !== undefined) variant.payload = { ...result.payload };
    return {
      name,
      enabled: variant.feature_enabled,
      variant,
      impressionData: feature?.impressionData === true,
    };
  };

  return {
    evaluateOne,
    evaluate(context, names) {
      const unleashContext = toUnleashContext(context);
      const wanted = names ?? snapshot.features.map((feature) => feature.name);
      return wanted.map((name) => evaluateOne(name, unleashContext));
    },
  };
}
