import { CONTEXT_OPTIONS } from './context-options.js';
import type { OptionSpec } from './option-spec.js';
import { ORIGINAL_OPTIONS } from './original-options.js';
import { OTEL_OPTIONS } from './otel-options.js';
import { OWN_OPTIONS } from './own-options.js';
import { PUSH_OPTIONS } from './push-options.js';
import { TOKEN_OPTIONS } from './token-options.js';

export type { OptionSpec } from './option-spec.js';

/** Every option the proxy reads, in the order of the README's configuration table. */
export const OPTIONS = {
  ...ORIGINAL_OPTIONS,
  ...TOKEN_OPTIONS,
  ...OWN_OPTIONS,
  ...CONTEXT_OPTIONS,
  ...PUSH_OPTIONS,
  ...OTEL_OPTIONS,
} as const;

export type OptionName = keyof typeof OPTIONS;

type ValueOf<S> =
  S extends OptionSpec<infer T> ? (S extends { default: T } ? T : T | undefined) : never;

/** The parsed options, one field per entry of OPTIONS. */
export type ParsedOptions = { readonly [K in OptionName]: ValueOf<(typeof OPTIONS)[K]> };
