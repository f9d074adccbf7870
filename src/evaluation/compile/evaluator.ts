import { applicationHostname, builtInStrategyNames } from '../../unleash/engine.js';
import { createReferenceEvaluator, toUnleashContext } from '../../unleash/reference-evaluator.js';
import type { FlagSnapshot } from '../../unleash/snapshot.js';
import type { FeatureInterface, Segment, Strategy, UnleashContext } from '../../unleash/types.js';
import type { EvaluatedToggle, EvaluationContext, Evaluator } from '../types.js';
import { type CompiledFlag, compileFlag } from './flag.js';
import { RequestState } from './request.js';

export interface CompileOptions {
  /** Custom strategies; flags using them are evaluated by the reference evaluator. */
  readonly customStrategies: readonly Strategy[];
}

export interface CompiledEvaluator extends Evaluator {
  /** The snapshot revision this evaluator was compiled from. */
  readonly revision: number;
  /** Flags the compiler hands to the reference evaluator (unknown operator, custom strategy...). */
  readonly fallbackFlags: readonly string[];
}

type ReferenceEvaluator = ReturnType<typeof createReferenceEvaluator>;

/**
 * Compiles a snapshot into the proxy's hot-path evaluator. Built once per flag update; each
 * `evaluate` then evaluates every flag it needs once (enabled and variant together), reads the
 * context in place, and returns prebuilt, frozen results, so a request allocates little more than
 * the returned array. Results match unleash-client's `forceGetVariant` (see
 * src/unleash/reference-evaluator.ts) for every deterministic strategy; randomness is drawn once
 * per request and shared by all flags (see `randomDraw` in request.ts).
 */
export function compileEvaluator(
  snapshot: FlagSnapshot,
  options: CompileOptions = { customStrategies: [] },
): CompiledEvaluator {
  return new SnapshotEvaluator(snapshot, options.customStrategies);
}

class SnapshotEvaluator implements CompiledEvaluator {
  readonly revision: number;
  readonly fallbackFlags: readonly string[];
  private readonly flags: readonly CompiledFlag[];
  private readonly indexOf: ReadonlyMap<string, number>;
  /** Flag indexes in the snapshot's order, for `evaluate` without names. */
  private readonly order: readonly number[];
  /** Per-request memo: `results[i]` is valid when `stamps[i] === epoch`. */
  private readonly stamps: Uint32Array;
  private readonly results: EvaluatedToggle[];
  private epoch = 0;
  private readonly state = new RequestState();
  private unleashContext: UnleashContext | undefined;
  private reference: ReferenceEvaluator | undefined;

  constructor(
    private readonly snapshot: FlagSnapshot,
    private readonly customStrategies: readonly Strategy[],
  ) {
    this.revision = snapshot.revision;
    // Like the SDK's repository, a name given twice means its last definition.
    const features = new Map<string, FeatureInterface>();
    for (const feature of snapshot.features) features.set(feature.name, feature);
    const indexOf = new Map<string, number>();
    for (const name of features.keys()) indexOf.set(name, indexOf.size);
    const segments = new Map<number, Segment>();
    for (const segment of snapshot.segments) segments.set(segment.id, segment);
    const knownStrategies = new Set(builtInStrategyNames);
    const compilation = {
      features,
      indexOf,
      segments,
      knownStrategies,
      hostname: applicationHostname(),
    };
    this.flags = [...features.values()].map((feature) => compileFlag(feature, compilation));
    this.indexOf = indexOf;
    this.order = snapshot.features.map((feature) => indexOf.get(feature.name) as number);
    this.stamps = new Uint32Array(this.flags.length);
    this.results = new Array<EvaluatedToggle>(this.flags.length);
    this.fallbackFlags = this.flags.filter((flag) => flag.fallback).map((flag) => flag.name);
  }

  evaluate(context: EvaluationContext, names?: readonly string[]): EvaluatedToggle[] {
    this.beginRequest(context);
    if (names === undefined) {
      const order = this.order;
      const out = new Array<EvaluatedToggle>(order.length);
      for (let i = 0; i < order.length; i++) out[i] = this.resultOf(order[i] as number);
      return out;
    }
    const out = new Array<EvaluatedToggle>(names.length);
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      const index = this.indexOf.get(name);
      out[i] = index === undefined ? unknownResult(name) : this.resultOf(index);
    }
    return out;
  }

  private beginRequest(context: EvaluationContext): void {
    this.state.reset(context);
    this.unleashContext = undefined;
    this.epoch = (this.epoch + 1) >>> 0;
    if (this.epoch === 0) {
      this.stamps.fill(0);
      this.epoch = 1;
    }
  }

  /** The flag's result for the current request, evaluated at most once. */
  private resultOf(index: number): EvaluatedToggle {
    if (this.stamps[index] === this.epoch) return this.results[index] as EvaluatedToggle;
    const flag = this.flags[index] as CompiledFlag;
    const result = flag.fallback ? this.evaluateByReference(flag) : this.evaluateFlag(flag);
    this.stamps[index] = this.epoch;
    this.results[index] = result;
    return result;
  }

  /** unleash-client's `resolveVariant(feature, context, true)`, over compiled parts. */
  private evaluateFlag(flag: CompiledFlag): EvaluatedToggle {
    if (!flag.canBeOn) return flag.disabled;
    const dependencies = flag.dependencies;
    for (let i = 0; i < dependencies.length; i++) {
      const dependency = dependencies[i] as CompiledFlag['dependencies'][number];
      if (dependency.parent < 0 || dependency.parentHasDependencies) return flag.disabled;
      const parent = this.resultOf(dependency.parent);
      if (dependency.expectEnabled) {
        if (!parent.enabled) return flag.disabled;
        const wanted = dependency.variants;
        if (wanted !== null && !wanted.includes(parent.variant.name)) return flag.disabled;
      } else if (parent.enabled) {
        return flag.disabled;
      }
    }
    const state = this.state;
    let strategy = flag.firstStrategy;
    if (strategy !== null) {
      let enabled = false;
      for (; strategy !== null; strategy = strategy.next) {
        if (!passes(strategy.constraints, state) || !strategy.check(state)) continue;
        enabled = true;
        if (strategy.variants !== null) {
          const chosen = strategy.variants.select(state);
          if (chosen >= 0) return strategy.variantResults[chosen] as EvaluatedToggle;
        }
        break;
      }
      if (!enabled) return flag.disabled;
    }
    if (flag.variants === null) return flag.enabledNoVariant;
    const chosen = flag.variants.select(state);
    return chosen >= 0 ? (flag.variantResults[chosen] as EvaluatedToggle) : flag.enabledNoVariant;
  }

  private evaluateByReference(flag: CompiledFlag): EvaluatedToggle {
    this.reference ??= createReferenceEvaluator(this.snapshot, this.customStrategies);
    this.unleashContext ??= toUnleashContext(this.state.context);
    return this.reference.evaluateOne(flag.name, this.unleashContext);
  }
}

function passes(constraints: readonly ((state: RequestState) => boolean)[], state: RequestState) {
  for (let i = 0; i < constraints.length; i++) {
    if (!(constraints[i] as (state: RequestState) => boolean)(state)) return false;
  }
  return true;
}

function unknownResult(name: string): EvaluatedToggle {
  return {
    name,
    enabled: false,
    variant: { name: 'disabled', enabled: false, feature_enabled: false, featureEnabled: false },
    impressionData: false,
  };
}
