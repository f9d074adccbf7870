// The flag model as unleash-client defines it. Everything outside src/unleash/ takes these
// types from here, so that the SDK stays behind one door.

export { Strategy } from 'unleash-client';
export type {
  Context as UnleashContext,
  Properties as UnleashProperties,
} from 'unleash-client/lib/context.js';
export type { ClientFeaturesResponse, FeatureInterface } from 'unleash-client/lib/feature.js';
export type {
  Constraint,
  Segment,
  StrategyTransportInterface,
} from 'unleash-client/lib/strategy/strategy.js';
export type { VariantDefinition } from 'unleash-client/lib/variant.js';
