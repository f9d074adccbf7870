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
  evaluateMany(contexts: readonly EvaluationContext[]): EvaluatedToggle[][];
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

/**
 * Requests evaluated together at most: the cache benefit is there well before, and each slot
 * holds a memo as long as the flag list, so the slots (never freed) stay a few MB at most.
 */
const MAX_BATCH = 64;

/** What one request's evaluation remembers: its context view and the flags already evaluated. */
class RequestSlot {
  readonly state = new RequestState();
  /** `results[i]` is valid when `stamps[i]` is the evaluator's current epoch. */
  readonly stamps: Uint32Array;
  readonly results: EvaluatedToggle[];
  unleashContext: UnleashContext | undefined;

  constructor(flagCount: number) {
    this.stamps = new Uint32Array(flagCount);
    this.results = new Array<EvaluatedToggle>(flagCount);
  }

  reset(context: EvaluationContext): void {
    this.state.reset(context);
    this.unleashContext = undefined;
  }
}

class SnapshotEvaluator implements CompiledEvaluator {
  readonly revision: number;
  readonly fallbackFlags: readonly string[];
  private readonly flags: readonly CompiledFlag[];
  private readonly indexOf: ReadonlyMap<string, number>;
  /** Flag indexes in the snapshot's order, for `evaluate` without names. */
  private readonly order: readonly number[];
  /** One slot per request of a batch; `evaluate` uses the first. Grown on demand. */
  private readonly slots: RequestSlot[] = [];
  private epoch = 0;
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
    this.fallbackFlags = this.flags.filter((flag) => flag.fallback).map((flag) => flag.name);
  }

  evaluate(context: EvaluationContext, names?: readonly string[]): EvaluatedToggle[] {
    this.beginBatch(1);
    const slot = this.slots[0] as RequestSlot;
    slot.reset(context);
    if (names === undefined) {
      const order = this.order;
      const out = new Array<EvaluatedToggle>(order.length);
      for (let i = 0; i < order.length; i++) out[i] = this.resultOf(slot, order[i] as number);
      return out;
    }
    const out = new Array<EvaluatedToggle>(names.length);
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      const index = this.indexOf.get(name);
      out[i] = index === undefined ? unknownResult(name) : this.resultOf(slot, index);
    }
    return out;
  }

  /**
   * Every flag for each of `contexts`, as `evaluate(context)` gives them, computed flag by flag
   * across the contexts rather than context by context: a flag's compiled parts are read once
   * from memory for the whole batch instead of once per request, after the network stack has
   * pushed them out of the CPU's caches.
   */
  evaluateMany(contexts: readonly EvaluationContext[]): EvaluatedToggle[][] {
    const outs: EvaluatedToggle[][] = [];
    for (let from = 0; from < contexts.length; from += MAX_BATCH) {
      this.evaluateBatch(contexts.slice(from, from + MAX_BATCH), outs);
    }
    return outs;
  }

  /** `evaluateMany` for at most MAX_BATCH contexts, appending their answers to `outs`. */
  private evaluateBatch(contexts: readonly EvaluationContext[], outs: EvaluatedToggle[][]): void {
    const count = contexts.length;
    this.beginBatch(count);
    const slots = this.slots;
    const answers: EvaluatedToggle[][] = [];
    for (let k = 0; k < count; k++) {
      (slots[k] as RequestSlot).reset(contexts[k] as EvaluationContext);
      answers.push(new Array<EvaluatedToggle>(this.order.length));
    }
    const order = this.order;
    for (let i = 0; i < order.length; i++) {
      const index = order[i] as number;
      for (let k = 0; k < count; k++) {
        (answers[k] as EvaluatedToggle[])[i] = this.resultOf(slots[k] as RequestSlot, index);
      }
    }
    outs.push(...answers);
  }

  /** Makes room for `count` requests and forgets what earlier requests evaluated. */
  private beginBatch(count: number): void {
    while (this.slots.length < count) this.slots.push(new RequestSlot(this.flags.length));
    this.epoch = (this.epoch + 1) >>> 0;
    if (this.epoch === 0) {
      for (const slot of this.slots) slot.stamps.fill(0);
      this.epoch = 1;
    }
  }

  /** The flag's result for the slot's request, evaluated at most once. */
  private resultOf(slot: RequestSlot, index: number): EvaluatedToggle {
    if (slot.stamps[index] === this.epoch) return slot.results[index] as EvaluatedToggle;
    const flag = this.flags[index] as CompiledFlag;
    const result = flag.fallback
      ? this.evaluateByReference(slot, flag)
      : this.evaluateFlag(slot, flag);
    slot.stamps[index] = this.epoch;
    slot.results[index] = result;
    return result;
  }

  /** unleash-client's `resolveVariant(feature, context, true)`, over compiled parts. */
  private evaluateFlag(slot: RequestSlot, flag: CompiledFlag): EvaluatedToggle {
    if (!flag.canBeOn) return flag.disabled;
    const dependencies = flag.dependencies;
    for (let i = 0; i < dependencies.length; i++) {
      const dependency = dependencies[i] as CompiledFlag['dependencies'][number];
      if (dependency.parent < 0 || dependency.parentHasDependencies) return flag.disabled;
      const parent = this.resultOf(slot, dependency.parent);
      if (dependency.expectEnabled) {
        if (!parent.enabled) return flag.disabled;
        const wanted = dependency.variants;
        if (wanted !== null && !wanted.includes(parent.variant.name)) return flag.disabled;
      } else if (parent.enabled) {
        return flag.disabled;
      }
    }
    const state = slot.state;
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

  private evaluateByReference(slot: RequestSlot, flag: CompiledFlag): EvaluatedToggle {
    this.reference ??= createReferenceEvaluator(this.snapshot, this.customStrategies);
    slot.unleashContext ??= toUnleashContext(slot.state.context);
    return this.reference.evaluateOne(flag.name, slot.unleashContext);
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
