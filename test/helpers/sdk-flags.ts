import type { FakeUnleashState } from './fake-unleash.js';

/** Flags that let an SDK test tell on, off, user-targeted and variant answers apart. */
export const SDK_FLAGS = {
  on: 'sdk-on',
  off: 'sdk-off',
  forAlice: 'sdk-for-alice',
  withVariant: 'sdk-with-variant',
} as const;

export const SDK_VARIANT = {
  name: 'blue',
  payload: { type: 'string', value: 'deep-blue' },
} as const;

const defaultStrategy = { name: 'default', parameters: {}, constraints: [] };

export function sdkFlagsState(): FakeUnleashState {
  return {
    version: 2,
    features: [
      { name: SDK_FLAGS.on, enabled: true, strategies: [defaultStrategy] },
      { name: SDK_FLAGS.off, enabled: false, strategies: [defaultStrategy] },
      {
        name: SDK_FLAGS.forAlice,
        enabled: true,
        strategies: [{ name: 'userWithId', parameters: { userIds: 'alice' }, constraints: [] }],
      },
      {
        name: SDK_FLAGS.withVariant,
        enabled: true,
        strategies: [defaultStrategy],
        variants: [
          {
            name: SDK_VARIANT.name,
            weight: 1000,
            weightType: 'variable',
            stickiness: 'default',
            payload: SDK_VARIANT.payload,
          },
        ],
      },
    ],
  };
}
