import type { VariantDefinition } from '../../unleash/types.js';
import { type ContextField, compileField, resolveField } from './context-field.js';
import { PrefixedHash, VARIANT_SEED } from './hash.js';
import { UNSUPPORTED, type Unsupported } from './predicate.js';
import { type RequestState, randomDraw } from './request.js';

interface CompiledOverride {
  readonly variant: number;
  readonly field: ContextField;
  readonly values: ReadonlySet<unknown>;
}

/**
 * A list of variant definitions (a feature's or a strategy's), compiled to what unleash-client's
 * `selectVariantDefinition` does: the first variant whose override matches the context, else the
 * weighted pick by `normalizedVariantValue(seed, groupId, totalWeight)`. `select` returns the
 * variant's index, or -1 where the SDK returns null.
 */
export class VariantSelector {
  private constructor(
    private readonly groupId: PrefixedHash,
    /** `undefined` for the `default` stickiness (userId, sessionId, remoteAddress, random). */
    private readonly stickiness: ContextField | undefined,
    private readonly weights: readonly number[],
    private readonly totalWeight: number,
    private readonly overrides: readonly CompiledOverride[],
  ) {}

  /**
   * `groupId` as the SDK passes it (`parameters.groupId` or the feature name), `stickiness` as
   * the SDK resolved it; `undefined` means `default`.
   */
  static compile(
    groupId: unknown,
    stickiness: unknown,
    variants: readonly VariantDefinition[],
  ): VariantSelector | Unsupported {
    const weights: number[] = [];
    for (const variant of variants) {
      if (!variant || typeof variant.weight !== 'number' || !Number.isFinite(variant.weight)) {
        return UNSUPPORTED;
      }
      weights.push(variant.weight);
    }
    const overrides: CompiledOverride[] = [];
    for (const [index, variant] of variants.entries()) {
      if (!variant.overrides) continue;
      if (!Array.isArray(variant.overrides)) return UNSUPPORTED;
      for (const override of variant.overrides) {
        const field = compileField(override?.contextName);
        if (!field || !Array.isArray(override.values)) return UNSUPPORTED;
        overrides.push({ variant: index, field, values: new Set(override.values) });
      }
    }
    let field: ContextField | undefined;
    const resolved = stickiness === undefined ? 'default' : stickiness;
    if (resolved !== 'default') {
      field = compileField(resolved);
      if (!field) return UNSUPPORTED;
    }
    const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
    // `${groupId}` is what the SDK hashes (`${groupId}:${id}`), even for undefined.
    return new VariantSelector(
      new PrefixedHash(`${groupId}`, VARIANT_SEED),
      field,
      weights,
      totalWeight,
      overrides,
    );
  }

  select(state: RequestState): number {
    if (this.totalWeight <= 0) return -1;
    for (const override of this.overrides) {
      if (override.values.has(resolveField(state, override.field))) return override.variant;
    }
    const target = this.groupId.normalized(this.seed(state), this.totalWeight);
    const weights = this.weights;
    let counter = 0;
    for (let i = 0; i < weights.length; i++) {
      const weight = weights[i] as number;
      if (weight === 0) continue;
      counter += weight;
      if (counter >= target) return i;
    }
    return -1;
  }

  /** unleash-client's `getSeed`. */
  private seed(state: RequestState): string {
    if (this.stickiness !== undefined) {
      const value = resolveField(state, this.stickiness);
      return value ? value : randomVariantSeed(state);
    }
    const { userId, sessionId, remoteAddress } = state;
    if (typeof userId === 'string' && userId !== '') return userId;
    if (typeof sessionId === 'string' && sessionId !== '') return sessionId;
    if (typeof remoteAddress === 'string' && remoteAddress !== '') return remoteAddress;
    return randomVariantSeed(state);
  }
}

/** The SDK's `randomString()` for variants, from the request's shared draw. */
function randomVariantSeed(state: RequestState): string {
  return String(Math.round(randomDraw(state) * 100000));
}
