import { option } from './option-spec.js';
import { boolean, integer } from './parsers.js';

/** Options of OFREP and of the event streams that push flag changes to SDKs. */
export const PUSH_OPTIONS = {
  ofrepAlwaysSendValue: option({
    env: ['OFREP_ALWAYS_SEND_VALUE'],
    parser: boolean,
    default: false,
    doc: 'OFREP answers always carry `value`: where a flag leaves it to the code default (a payload flag off for this context), the empty value of its type ("", 0, {}) is sent. Needed by @openfeature/ofrep-provider 0.1.x, which refuses a 200 without `value`.',
  }),
  streamsEnabled: option({
    env: ['PROXY_STREAMS_ENABLED'],
    parser: boolean,
    default: true,
    doc: 'Serve the event streams (OFREP `eventStreams`, /proxy/events, /api/frontend/events, /proxy/client/streaming and /api/client/streaming). false: no stream routes, and OFREP answers advertise none.',
  }),
  streamMaxConnections: option({
    env: ['PROXY_STREAM_MAX_CONNECTIONS'],
    parser: integer(0),
    default: 10_000,
    doc: 'Event streams one instance holds at once; the next one gets 429 with Retry-After, and SDKs fall back to polling.',
  }),
  streamMaxAgeMs: option({
    env: ['PROXY_STREAM_MAX_AGE_MS'],
    parser: integer(1_000),
    default: 1_800_000,
    doc: 'An event stream is ended after this long (plus up to a tenth more, spread out) so that load balancers can rebalance; clients reconnect and miss nothing.',
  }),
  streamHeartbeatMs: option({
    env: ['PROXY_STREAM_HEARTBEAT_MS'],
    parser: integer(100, 50_000),
    default: 15_000,
    doc: "Interval of the comment lines that keep idle event streams open; well under unleash-client's 60 s read timeout.",
  }),
  streamHistorySize: option({
    env: ['PROXY_STREAM_HISTORY_SIZE'],
    parser: integer(1, 10_000),
    default: 100,
    doc: 'Flag changes kept per scope for backend SDKs that reconnect with Last-Event-ID; an older id gets a full hydration.',
  }),
} as const;
