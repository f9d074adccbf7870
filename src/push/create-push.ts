import type { ProxyConfig } from '../config/load-config.js';
import type { LiveFlagSet } from '../evaluation/live-flags.js';
import { ALL_FLAGS_SCOPE, type Scope, scopeFromKey } from '../scopes/scope.js';
import type { FlagSnapshot } from '../unleash/snapshot.js';
import type { FlagChangeNotifier, ScopeSnapshots } from './flag-change-notifier.js';
import { RefetchStreams } from './refetch-streams.js';
import { SseHub } from './sse-hub.js';
import { UnleashStreams } from './unleash-streams.js';

/** The event streams of one instance, fed by the flag change notifier. */
export interface Push {
  /** OFREP's and the frontend SDKs' "refetch" streams. */
  readonly refetchStreams: RefetchStreams;
  /** Unleash's streaming client API for backend SDKs. */
  readonly unleashStreams: UnleashStreams;
  /** Ends the streams of a credential that no longer holds (an Unleash token revoked). */
  endStreamsOf(credentialId: string): void;
  /** Ends every stream and refuses new ones: the first step of a shutdown. */
  close(): void;
}

/** The SSE reconnection delay suggested to clients, and the Retry-After of a 429. */
const RETRY_MS = 2_000;

export function createPush(config: ProxyConfig, notifier: FlagChangeNotifier): Push {
  const hub = new SseHub({
    maxConnections: config.streamMaxConnections,
    maxAgeMs: config.streamMaxAgeMs,
    heartbeatMs: config.streamHeartbeatMs,
    retryMs: RETRY_MS,
  });
  const refetchStreams = new RefetchStreams(hub, notifier);
  const unleashStreams = new UnleashStreams(hub, notifier, config.streamHistorySize);
  return {
    refetchStreams,
    unleashStreams,
    endStreamsOf: (credentialId) => {
      refetchStreams.endStreamsOf(credentialId);
      unleashStreams.endStreamsOf(credentialId);
    },
    close: () => hub.closeAll(),
  };
}

/**
 * What the notifier reads for a scope key: the primary set for ALL_FLAGS_SCOPE, otherwise the
 * environment's set filtered to the key's projects (compiled once per flag update, shared with
 * the requests of that scope).
 */
export function scopeSnapshots(
  primary: () => FlagSnapshot | undefined,
  scopes: { flagSetFor(scope: Scope): LiveFlagSet | undefined },
): ScopeSnapshots {
  return (key) => {
    if (key === ALL_FLAGS_SCOPE) return primary();
    const scope = scopeFromKey(key);
    return scope === undefined ? undefined : scopes.flagSetFor(scope)?.snapshot;
  };
}
