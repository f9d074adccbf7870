import { applicationHostname } from '../../unleash/engine.js';
import type { StrategyTransportInterface } from '../../unleash/types.js';
import { compileField, resolveField } from './context-field.js';
import { PrefixedHash, STRATEGY_SEED } from './hash.js';
import { RemoteAddressMatcher } from './network.js';
import { ALWAYS, NEVER, type Predicate, UNSUPPORTED, type Unsupported } from './predicate.js';
import { type RequestState, randomDraw } from './request.js';

type Parameters = Record<string, unknown>;

/**
 * The `isEnabled` part of unleash-client's built-in strategies, compiled from their parameters.
 * Constraints and variants are compiled separately (see flag.ts). Returns UNSUPPORTED for a
 * strategy that is not built in, or for parameters the SDK would throw on.
 */
export function compileStrategyCheck(
  strategy: StrategyTransportInterface,
  hostname: string = applicationHostname(),
): Predicate | Unsupported {
  const raw = strategy.parameters as unknown;
  if (raw === null || typeof raw !== 'object') {
    // Only `default` never reads its parameters.
    return strategy.name === 'default' ? ALWAYS : UNSUPPORTED;
  }
  const parameters = raw as Parameters;
  switch (strategy.name) {
    case 'default':
      return ALWAYS;
    case 'applicationHostname': {
      const hostNames = parameters.hostNames;
      if (!hostNames) return NEVER;
      if (typeof hostNames !== 'string') return UNSUPPORTED;
      return hostNames
        .toLowerCase()
        .split(/\s*,\s*/)
        .includes(hostname)
        ? ALWAYS
        : NEVER;
    }
    case 'gradualRolloutRandom': {
      const percentage = Number(parameters.percentage);
      return (state) => percentage >= Math.floor(randomDraw(state) * 100) + 1;
    }
    case 'gradualRolloutUserId':
    case 'gradualRolloutSessionId': {
      const percentage = Number(parameters.percentage);
      if (!(percentage > 0)) return NEVER;
      const groupId = new PrefixedHash(`${parameters.groupId || ''}`, STRATEGY_SEED);
      return strategy.name === 'gradualRolloutUserId'
        ? (state) => inRollout(state.userId, groupId, percentage)
        : (state) => inRollout(state.sessionId, groupId, percentage);
    }
    case 'userWithId': {
      const userIds = parameters.userIds;
      if (!userIds) return NEVER;
      if (typeof userIds !== 'string') return UNSUPPORTED;
      const ids = new Set(userIds.split(/\s*,\s*/));
      return (state) => {
        const userId = state.userId;
        return userId !== undefined && ids.has(userId);
      };
    }
    case 'remoteAddress': {
      const ips = parameters.IPs;
      if (!ips) return NEVER;
      if (typeof ips !== 'string') return UNSUPPORTED;
      const matcher = new RemoteAddressMatcher(ips);
      return (state) => matcher.matches(state, state.remoteAddress);
    }
    case 'flexibleRollout':
      return compileFlexibleRollout(parameters);
    default:
      return UNSUPPORTED;
  }
}

function inRollout(id: string | undefined, groupId: PrefixedHash, percentage: number): boolean {
  if (!id) return false;
  return groupId.normalized(id, 100) <= percentage;
}

function compileFlexibleRollout(parameters: Parameters): Predicate | Unsupported {
  // `context.featureToggle` is never set on the contexts the proxy evaluates.
  const groupId = new PrefixedHash(`${parameters.groupId || ''}`, STRATEGY_SEED);
  const percentage = Number(parameters.rollout);
  if (!(percentage > 0)) return NEVER;
  const stickiness = parameters.stickiness || 'default';
  if (stickiness === 'default') {
    return (state) => {
      const id = state.userId || state.sessionId || randomRolloutId(state);
      return groupId.normalized(id, 100) <= percentage;
    };
  }
  if (stickiness === 'random') {
    return (state) => groupId.normalized(randomRolloutId(state), 100) <= percentage;
  }
  const field = compileField(stickiness);
  if (!field) return UNSUPPORTED;
  return (state) => inRollout(resolveField(state, field), groupId, percentage);
}

/** flexibleRollout's random generator, `${Math.round(Math.random() * 10000) + 1}`, per request. */
function randomRolloutId(state: RequestState): string {
  return `${Math.round(randomDraw(state) * 10000) + 1}`;
}
