import type { ProxyConfig } from '../config/load-config.js';
import type { FlagChangeNotifier } from './flag-change-notifier.js';
import { RefetchStreams } from './refetch-streams.js';
import { SseHub } from './sse-hub.js';
import { UnleashStreams } from './unleash-streams.js';

/** The event streams of one instance, fed by the flag change notifier. */
export interface Push {
  /** OFREP's and the frontend SDKs' "refetch" streams. */
  readonly refetchStreams: RefetchStreams;
  /** Unleash's streaming client API for backend SDKs. */
  readonly unleashStreams: UnleashStreams;
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
  return {
    refetchStreams: new RefetchStreams(hub, notifier),
    unleashStreams: new UnleashStreams(hub, notifier, config.streamHistorySize),
    close: () => hub.closeAll(),
  };
}
