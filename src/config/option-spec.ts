import type { Parser } from './parsers.js';

export interface OptionSpec<T> {
  /** Environment variables read for this option, first one set wins. */
  readonly env: readonly string[];
  readonly parser: Parser<T>;
  readonly default?: T;
  /** Secrets are never printed, not in errors and not in logs. */
  readonly secret?: boolean;
  readonly doc: string;
  /** How the default is written in the README, when it is not a plain value. */
  readonly defaultDoc?: string;
  /**
   * A group documented on its own page (docs/<page>.md) rather than row by row in the
   * README, which lists the group's variables in one row.
   */
  readonly page?: 'tracing';
}

/** Declares one option; with a default, its parsed value is never undefined. */
export function option<T>(spec: OptionSpec<T> & { default: T }): OptionSpec<T> & { default: T };
export function option<T>(spec: OptionSpec<T>): OptionSpec<T>;
export function option<T>(spec: OptionSpec<T>): OptionSpec<T> {
  return spec;
}
