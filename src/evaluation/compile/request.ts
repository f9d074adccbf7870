import type { EvaluationContext } from '../types.js';
import type { ContextView } from './context-field.js';

/**
 * What one `evaluate` call knows about its request. One instance per compiled evaluator is
 * reset and reused for every request (evaluation is synchronous), so the hot path allocates
 * nothing for it. Lazily computed values use a sentinel (`NaN` / `undefined`) until first use.
 */
export class RequestState implements ContextView {
  context: EvaluationContext = { properties: {} };
  // The context's fields, copied once per request: contexts arrive in many shapes, and reading
  // them from this one class keeps every per-flag lookup monomorphic.
  userId: string | undefined = undefined;
  sessionId: string | undefined = undefined;
  remoteAddress: string | undefined = undefined;
  environment: string | undefined = undefined;
  appName: string | undefined = undefined;
  currentTime: Date | undefined = undefined;
  properties: Readonly<Record<string, unknown>> = {};
  /** The request's single random draw in [0, 1), shared by every flag (see `randomDraw`). */
  random = Number.NaN;
  /** The evaluation time in ms: `currentTime` or the clock, read once per request. */
  time = Number.NaN;
  /** The last address parsed for CIDR checks in this request, memoised (see network.ts). */
  addressKey: string | undefined = undefined;
  addressFamily = 0;
  addressInt = 0;
  addressObject: unknown = undefined;
  addressCorrectForm = '';

  reset(context: EvaluationContext): void {
    this.context = context;
    this.userId = context.userId;
    this.sessionId = context.sessionId;
    this.remoteAddress = context.remoteAddress;
    this.environment = context.environment;
    this.appName = context.appName;
    this.currentTime = context.currentTime;
    this.properties = context.properties;
    this.random = Number.NaN;
    this.time = Number.NaN;
    this.addressKey = undefined;
    this.addressObject = undefined;
  }
}

/**
 * One random draw per request, shared by every flag that needs randomness (random stickiness,
 * `gradualRolloutRandom`, a variant without a stickiness value). Each flag still sees a uniform
 * draw, so its own rollout percentage is exactly the SDK's; sharing it keeps one response
 * self-consistent: a flag asked for twice, or read as a parent by a dependent flag, gets the
 * same answer as the one reported for it.
 */
export function randomDraw(state: RequestState): number {
  let random = state.random;
  if (Number.isNaN(random)) {
    random = Math.random();
    state.random = random;
  }
  return random;
}

/** The request's time as unleash-client's date operators read it. */
export function requestTime(state: RequestState): number {
  let time = state.time;
  if (Number.isNaN(time)) {
    const current = state.currentTime as unknown;
    // unleash-client: `context.currentTime ? new Date(context.currentTime) : new Date()`.
    time = current
      ? current instanceof Date
        ? current.getTime()
        : new Date(current as string).getTime()
      : Date.now();
    state.time = time;
  }
  return time;
}
