import type { FlagSnapshot } from '../unleash/snapshot.js';
import { type ClockPeriod, clockPeriodOf, usesOpaqueStrategy } from './clock-dependence.js';
import type { Evaluator } from './types.js';

export type EvaluatorFactory = (snapshot: FlagSnapshot) => Evaluator;

/** The snapshot in force and the evaluator built from it, replaced together on every update. */
export interface LiveFlagSet {
  readonly snapshot: FlagSnapshot;
  readonly evaluator: Evaluator;
  /** Set when answers may change with the time alone (see clock-dependence.ts). */
  readonly clockPeriod: ClockPeriod | undefined;
  /** A flag uses a custom strategy: ETags are digests of the answers (see answer-etag.ts). */
  readonly tagsAnswers: boolean;
}

export class LiveFlags {
  private live: LiveFlagSet | undefined;

  constructor(private readonly buildEvaluator: EvaluatorFactory) {}

  /** Builds the evaluator once for this snapshot; requests in flight keep the one they took. */
  update(snapshot: FlagSnapshot): void {
    this.live = {
      snapshot,
      evaluator: this.buildEvaluator(snapshot),
      clockPeriod: clockPeriodOf(snapshot),
      tagsAnswers: usesOpaqueStrategy(snapshot),
    };
  }

  current(): LiveFlagSet | undefined {
    return this.live;
  }
}
